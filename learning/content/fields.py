"""Reading the YAML of content files: each field typed and checked, each problem recorded.

A `File` collects the problems of one file under its name (relative to the content folder);
a `Mapping` reads typed fields from one YAML mapping (`text`, `slug`, `integer`, `date`, a
list…), each problem named by its dotted path, such as `items[2].recording.duration_seconds`
(list indexes from 0). YAML is read safely, a key given twice is refused, and an impossible
date is kept as text so that it can be reported.
"""

import difflib
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from learning.content.specs import ContentError
from learning.content.writing import SLUG_MAX, SLUG_PATTERN


class _Loader(yaml.SafeLoader):
    """Safe YAML that refuses duplicate keys and keeps impossible dates as text to report."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                    continue
                key = self.construct_object(key_node, deep=True)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        "while reading a mapping", node.start_mark,
                        f"found the key {key!r} twice", key_node.start_mark,
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _construct_timestamp(loader, node):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def normalise(text: str) -> str:
    """Text as the content stores it: line breaks as LF, stripped."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def column_length(model, column: str) -> int:
    """The most characters the model's column holds: what a field of the files may have."""
    return model.__table__.c[column].type.length


def _describe(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, datetime):
        return "a date and time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def child_path(path: str, key: str | int) -> str:
    """The dotted path of a key (or a list index) under `path`: `items[2].title`."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class File:
    """One file being checked: collects its problems under its relative path."""

    def __init__(self, name: str, errors: list[ContentError]):
        self.name = name
        self.errors = errors

    def error(self, field_path: str, message: str, incomplete: bool = False) -> None:
        self.errors.append(ContentError(self.name, field_path, message, incomplete))

    def load_mapping(self, path: Path, keys: Iterable[str]) -> "Mapping | None":
        """The file's YAML mapping, or None (with the problem recorded)."""
        text = self.read_text(path, "")
        if text is None:
            return None
        loader = _Loader(text)
        try:
            data = loader.get_single_data()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"line {mark.line + 1}" if mark else ""
            problem = exc.problem or exc.context or "unreadable"
            self.error(where, f"YAML syntax error: {problem}")
            return None
        except yaml.YAMLError as exc:
            self.error("", f"YAML error: {exc}")
            return None
        finally:
            loader.dispose()
        return self.mapping(data, "", keys)

    def read_text(self, path: Path, field_path: str) -> str | None:
        """A UTF-8 text file's content, or None (with the problem recorded)."""
        try:
            return path.read_bytes().decode("utf-8-sig")
        except FileNotFoundError:
            self.error(field_path, "missing file: it does not exist")
        except UnicodeDecodeError:
            self.error(field_path, f"not UTF-8 text: {path.name}")
        except OSError as exc:
            self.error(field_path, f"cannot be read: {exc.strerror}")
        return None

    def mapping(self, data, path: str, keys: Iterable[str]) -> "Mapping | None":
        """Check that `data` is a mapping with only the given keys."""
        if not isinstance(data, dict):
            self.error(path, f"wrong type: expected a mapping of keys, found {_describe(data)}")
            return None
        return Mapping(self, data, path, tuple(keys))


class Mapping:
    """One YAML mapping: typed fields read from it, each problem recorded against its path."""

    def __init__(self, file: File, data: dict, path: str, keys: tuple[str, ...]):
        self.file = file
        self.data = data
        self.path = path
        for key in data:
            if key not in keys:
                close = difflib.get_close_matches(str(key), keys, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"expected {', '.join(keys)}"
                self.error(str(key), f"unknown key ({hint})")

    def error(self, key: str | int, message: str, incomplete: bool = False) -> None:
        self.file.error(child_path(self.path, key), message, incomplete)

    def field_path(self, key: str) -> str:
        return child_path(self.path, key)

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def text(self, key: str, *, required: bool = True, max_length: int | None = None,
             default: str | None = "") -> str | None:
        """Text, stripped; None when missing and required, or when wrong."""
        value = self.data.get(key)
        if value is None:
            if required:
                self.error(key, "missing" if key not in self.data else "missing: it is empty")
            return None if required else default
        if not isinstance(value, str):
            hint = " (put it in quotes)" if isinstance(value, int | float | bool | date) else ""
            self.error(key, f"wrong type: expected text, found {_describe(value)}{hint}")
            return None
        value = normalise(value)
        if not value:
            if required:
                self.error(key, "missing: it is empty")
                return None
            return default
        if max_length is not None and len(value) > max_length:
            self.error(key, f"too long: {len(value)} characters, at most {max_length}")
            return None
        return value

    def slug(self, key: str = "slug", max_length: int = SLUG_MAX) -> str | None:
        """A slug: lowercase letters, digits and single hyphens (`writing.SLUG_PATTERN`)."""
        value = self.text(key, max_length=max_length)
        if value is not None and not SLUG_PATTERN.match(value):
            self.error(key, f"not a valid slug: {value!r} (use lowercase letters, digits and "
                            "single hyphens, such as 'changing-mindsets')")
            return None
        return value

    def choice(self, key: str, choices: Iterable[str]) -> str | None:
        """Text that must be one of the choices."""
        value = self.text(key)
        choices = tuple(choices)
        if value is not None and value not in choices:
            self.error(key, f"{value!r} is not one of: {', '.join(choices)}")
            return None
        return value

    def integer(self, key: str, *, required: bool = True, default: int | None = None,
                minimum: int | None = None, maximum: int | None = None) -> int | None:
        """A whole number within the bounds."""
        value = self.data.get(key)
        if value is None:
            if required:
                self.error(key, "missing")
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(key, f"wrong type: expected a whole number, found {_describe(value)}")
            return None
        if minimum is not None and value < minimum or maximum is not None and value > maximum:
            bounds = (f"from {minimum} to {maximum}" if maximum is not None
                      else f"at least {minimum}")
            self.error(key, f"out of range: {value} (must be {bounds})")
            return None
        return value

    def boolean(self, key: str, default: bool) -> bool | None:
        """A boolean: true or false in YAML."""
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(key, f"wrong type: expected true or false, found {_describe(value)}")
            return None
        return value

    def date(self, key: str) -> date | None:
        """A date written as YYYY-MM-DD; None when absent."""
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, datetime):
            self.error(key, "bad date: expected a date (YYYY-MM-DD) without a time")
        elif isinstance(value, date):
            return value
        elif isinstance(value, str):
            self.error(key, f"bad date: {value!r} is not a date (YYYY-MM-DD)")
        else:
            self.error(key, f"bad date: expected a date (YYYY-MM-DD), found {_describe(value)}")
        return None

    def sequence(self, key: str, *, required: bool = False) -> list | None:
        """A list (empty when absent and not required)."""
        value = self.data.get(key)
        if value is None:
            if required:
                self.error(key, "missing")
                return None
            return []
        if not isinstance(value, list):
            self.error(key, f"wrong type: expected a list, found {_describe(value)}")
            return None
        return value

    def text_list(self, key: str, *, max_length: int | None = None) -> list[str] | None:
        """A list of non-empty texts."""
        values = self.sequence(key)
        if values is None:
            return None
        result, ok = [], True
        for index, value in enumerate(values):
            path = child_path(key, index)
            if not isinstance(value, str):
                self.error(path, f"wrong type: expected text, found {_describe(value)}")
                ok = False
                continue
            value = normalise(value)
            if not value:
                self.error(path, "missing: it is empty")
                ok = False
            elif max_length is not None and len(value) > max_length:
                self.error(path, f"too long: {len(value)} characters, at most {max_length}")
                ok = False
            result.append(value)
        return result if ok else None

    def url(self, key: str, max_length: int) -> str | None:
        """An https URL."""
        value = self.text(key, required=False, max_length=max_length, default=None)
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.netloc or any(c.isspace() for c in value):
            self.error(key, f"not an https URL: {value!r} (only https:// links are accepted)")
            return None
        return value
