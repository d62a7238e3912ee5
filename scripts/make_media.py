#!/usr/bin/env python3
"""Generate each course module's narrated introduction clip and its captions.

For every ``modules/NN-slug/`` folder that has a ``transcript.txt`` (one
sentence per line), this script:

1. speaks each line with espeak-ng into a WAV file and measures its exact
   length from the WAV header;
2. joins the lines with a short pause and writes a WebVTT caption file whose
   cues are exactly the transcript lines, timed to that audio;
3. renders a high-contrast title card with ffmpeg (drawtext, DejaVu Sans) and
   encodes it with the narration as a small WebM (VP9 video, Opus audio);
4. measures the clip with ffprobe, prints its duration in whole seconds and
   updates ``duration_seconds:`` in the module's ``recording:`` block.

Everything runs offline. Requires the Debian packages ``ffmpeg``,
``espeak-ng`` and ``fonts-dejavu-core``, plus PyYAML.

Usage::

    python3 scripts/make_media.py [MODULES_DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import wave
from dataclasses import dataclass
from pathlib import Path

try:
    import yaml
except ImportError:  # pragma: no cover - depends on the environment
    sys.exit("error: PyYAML is required: pip install pyyaml (or apt-get install python3-yaml)")

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODULES_DIR = REPO_ROOT / "modules"

DEFAULT_COURSE_TITLE = (
    "Innovation, Digital Government and Changing Mindsets for Public Sector Transformation"
)

VOICE = "en-gb"
WORDS_PER_MINUTE = 150
LEAD_IN_SECONDS = 0.5
PAUSE_SECONDS = 0.4
TAIL_SECONDS = 0.6

WIDTH, HEIGHT = 640, 360
FPS = 1
KEYFRAME_INTERVAL = 30 * FPS
VIDEO_CRF = 40
AUDIO_BITRATE = "24k"
AUDIO_RATE = 48000
SIZE_BUDGET_BYTES = 2 * 1024 * 1024

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

BACKGROUND = "0x0B1F3A"
TEXT_COLOUR = "0xFFFFFF"
ACCENT = "0xFFD166"
MUTED = "0xDCE3EE"

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

BITEXACT = ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"]

DEFAULT_VIDEO = "media/introduction.webm"
DEFAULT_CAPTIONS = "media/introduction.vtt"
DEFAULT_TRANSCRIPT = "transcript.txt"


class MediaError(RuntimeError):
    """A problem that stops media generation, with a message for the user."""


@dataclass
class Module:
    """What the script needs to know about one module folder."""

    folder: Path
    title: str
    position: int
    live_session: str
    transcript: Path
    video: Path
    captions: Path
    course_title: str


@dataclass
class Cue:
    """One caption cue: a transcript line and its start and end in seconds."""

    start: float
    end: float
    text: str


def check_tools() -> None:
    """Raise MediaError, naming the apt packages to install, if a tool or font is missing."""
    missing = []
    for tool, package in (("ffmpeg", "ffmpeg"), ("ffprobe", "ffmpeg"), ("espeak-ng", "espeak-ng")):
        if shutil.which(tool) is None and package not in missing:
            missing.append(package)
    for font in (FONT_REGULAR, FONT_BOLD):
        if not font.is_file() and "fonts-dejavu-core" not in missing:
            missing.append("fonts-dejavu-core")
    if missing:
        raise MediaError(
            "missing tools: " + ", ".join(missing) + "\n"
            "install them with: apt-get update && apt-get install -y " + " ".join(missing)
        )
    encoders = run(["ffmpeg", "-hide_banner", "-encoders"]).stdout
    filters = run(["ffmpeg", "-hide_banner", "-filters"]).stdout
    needs = {"libvpx-vp9": encoders, "libopus": encoders, "drawtext": filters}
    lacking = [name for name, listing in needs.items() if not re.search(rf"\s{name}\s", listing)]
    if lacking:
        raise MediaError(
            "this ffmpeg lacks " + ", ".join(lacking) + "; "
            "install Debian's build: apt-get install -y ffmpeg"
        )


def run(cmd: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run a command, raising MediaError with its stderr if it fails."""
    result = subprocess.run(  # noqa: S603 - fixed argument lists, never a shell
        cmd, cwd=cwd, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise MediaError(
            f"command failed ({result.returncode}): {' '.join(cmd)}\n{result.stderr.strip()}"
        )
    return result


def format_date(value: object) -> str:
    """Format a live-session date as e.g. '4 March 2025', independent of locale."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return value.strip()
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    return str(value) if value is not None else ""


def find_recording(items: object) -> dict:
    """Return the ``recording`` mapping from a module's items list, or {}."""
    if not isinstance(items, list):
        return {}
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("recording"), dict):
            return item["recording"]
    return {}


def inside(folder: Path, relative: str) -> Path:
    """Resolve a path from module.yml, refusing anything outside the module folder."""
    path = (folder / relative).resolve()
    if folder.resolve() not in path.parents:
        raise MediaError(f"{folder.name}: path {relative!r} leaves the module folder")
    return path


def read_yaml(path: Path) -> dict:
    """Return a YAML file's top-level mapping, or {} if the file is missing or not a mapping."""
    if not path.is_file():
        return {}
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise MediaError(f"{path}: invalid YAML: {error}") from error
    return loaded if isinstance(loaded, dict) else {}


def load_module(folder: Path, course_title: str) -> Module:
    """Read a module folder's module.yml (if any) and work out its media paths."""
    meta = read_yaml(folder / "module.yml")
    recording = find_recording(meta.get("items"))
    prefix = re.match(r"(\d+)", folder.name)
    position = meta.get("position") or (int(prefix.group(1)) if prefix else 0)
    return Module(
        folder=folder,
        title=str(meta.get("title") or folder.name),
        position=int(position),
        live_session=format_date(meta.get("live_session")),
        transcript=inside(folder, str(recording.get("transcript") or DEFAULT_TRANSCRIPT)),
        video=inside(folder, str(recording.get("video") or DEFAULT_VIDEO)),
        captions=inside(folder, str(recording.get("captions") or DEFAULT_CAPTIONS)),
        course_title=course_title,
    )


def read_transcript(path: Path) -> list[str]:
    """Return the transcript's non-empty lines, stripped of surrounding whitespace."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise MediaError(f"{path}: transcript is empty")
    return lines


def speak(text: str, workdir: Path, index: int) -> Path:
    """Synthesise one line with espeak-ng and return the WAV file's path."""
    text_file = workdir / f"line{index:03d}.txt"
    wav_file = workdir / f"line{index:03d}.wav"
    text_file.write_text(text + "\n", encoding="utf-8")
    rate = str(WORDS_PER_MINUTE)
    run(["espeak-ng", "-v", VOICE, "-s", rate, "-w", str(wav_file), "-f", str(text_file)])
    return wav_file


def build_narration(lines: list[str], workdir: Path) -> tuple[Path, list[Cue], float]:
    """Speak every line, join them with pauses into one WAV and time the cues.

    Returns the narration WAV, the cues, and the narration's length in seconds.
    """
    params = None
    chunks: list[bytes] = []
    cues: list[Cue] = []

    def silence(seconds: float) -> bytes:
        count = round(seconds * params.framerate)
        return b"\x00" * (count * params.sampwidth * params.nchannels)

    for index, line in enumerate(lines):
        with wave.open(str(speak(line, workdir, index)), "rb") as clip:
            clip_params = clip.getparams()
            frames = clip.readframes(clip.getnframes())
            nframes = clip.getnframes()
        if params is None:
            params = clip_params
            chunks.append(silence(LEAD_IN_SECONDS))
        elif clip_params[:3] != params[:3]:
            raise MediaError("espeak-ng produced WAV files with differing formats")
        else:
            chunks.append(silence(PAUSE_SECONDS))
        frames_so_far = sum(len(chunk) for chunk in chunks) // (params.sampwidth * params.nchannels)
        start = frames_so_far / params.framerate
        cues.append(Cue(start, start + nframes / params.framerate, line))
        chunks.append(frames)
    chunks.append(silence(TAIL_SECONDS))

    narration = workdir / "narration.wav"
    with wave.open(str(narration), "wb") as out:
        out.setnchannels(params.nchannels)
        out.setsampwidth(params.sampwidth)
        out.setframerate(params.framerate)
        for chunk in chunks:
            out.writeframes(chunk)
        total_frames = out.getnframes()
    return narration, cues, total_frames / params.framerate


def vtt_timestamp(seconds: float) -> str:
    """Format seconds as a WebVTT timestamp, HH:MM:SS.mmm."""
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def vtt_escape(text: str) -> str:
    """Escape the characters WebVTT cue text reserves."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_vtt(cues: list[Cue]) -> str:
    """Return a WebVTT document with one cue per transcript line."""
    blocks = ["WEBVTT"]
    for number, cue in enumerate(cues, start=1):
        timing = f"{vtt_timestamp(cue.start)} --> {vtt_timestamp(cue.end)}"
        blocks.append(f"{number}\n{timing}\n{vtt_escape(cue.text)}")
    return "\n\n".join(blocks) + "\n"


def wrap(text: str, width: int) -> list[str]:
    """Wrap text into lines of at most ``width`` characters, keeping hyphenated words whole."""
    return textwrap.wrap(text, width, break_on_hyphens=False)


def card_filter(module: Module, workdir: Path) -> str:
    """Write the card's text lines to files and return the drawtext filter chain.

    Each line is its own drawtext reading its text (and font) from files in
    ``workdir`` with expansion off, so no title text needs filtergraph escaping.
    """
    label = f"Webinar {module.position}"
    if module.live_session:
        label += f" \u00b7 {module.live_session}"

    title_size, title_lines = 30, wrap(module.title, 30)
    if len(title_lines) > 4:
        title_size, title_lines = 24, wrap(module.title, 38)
    course_lines = wrap(module.course_title, 62)

    margin = 40
    shutil.copyfile(FONT_REGULAR, workdir / "regular.ttf")
    shutil.copyfile(FONT_BOLD, workdir / "bold.ttf")
    pieces: list[tuple[str, str, int, str, int]] = [(label, "bold.ttf", 20, ACCENT, 44)]
    y = 104
    for line in title_lines:
        pieces.append((line, "bold.ttf", title_size, TEXT_COLOUR, y))
        y += round(title_size * 1.35)
    course_size = 15
    y = HEIGHT - margin - len(course_lines) * round(course_size * 1.4) + 4
    for line in course_lines:
        pieces.append((line, "regular.ttf", course_size, MUTED, y))
        y += round(course_size * 1.4)

    filters = [f"drawbox=x={margin}:y=80:w=64:h=4:color={ACCENT}:t=fill"]
    for index, (text, font, size, colour, top) in enumerate(pieces):
        name = f"card{index:02d}.txt"
        (workdir / name).write_text(text, encoding="utf-8")
        filters.append(
            f"drawtext=fontfile={font}:textfile={name}:expansion=none"
            f":fontsize={size}:fontcolor={colour}:x={margin}:y={top}"
        )
    return ",".join(filters)


def encode_video(
    module: Module, narration: Path, duration: float, workdir: Path, output: Path
) -> None:
    """Encode the title card and narration into a VP9/Opus WebM at ``output``."""
    source = f"color=c={BACKGROUND}:s={WIDTH}x{HEIGHT}:r={FPS}"
    video_options = (
        f"-c:v libvpx-vp9 -b:v 0 -crf {VIDEO_CRF} -g {KEYFRAME_INTERVAL}"
        " -threads 1 -row-mt 0 -deadline good -cpu-used 1"
    )
    audio_options = (
        f"-c:a libopus -b:a {AUDIO_BITRATE} -ac 1 -ar {AUDIO_RATE} -application voip"
        " -metadata:s:a:0 language=eng"
    )
    cmd = [
        *"ffmpeg -nostdin -hide_banner -loglevel error -y".split(),
        *["-f", "lavfi", "-i", source, "-i", str(narration)],
        *["-filter_complex", f"[0:v]{card_filter(module, workdir)},format=yuv420p[v]"],
        *["-map", "[v]", "-map", "1:a", "-t", f"{duration:.3f}"],
        *video_options.split(),
        *audio_options.split(),
        *"-map_metadata -1 -map_chapters -1".split(),
        *BITEXACT,
        *["-f", "webm", str(output)],
    ]
    run(cmd, cwd=workdir)


def probe(path: Path) -> tuple[float, set[str]]:
    """Return a media file's duration in seconds and its stream types, via ffprobe."""
    options = "-v error -print_format json -show_entries format=duration:stream=codec_type"
    result = run(["ffprobe", *options.split(), str(path)])
    info = json.loads(result.stdout)
    kinds = {stream.get("codec_type") for stream in info.get("streams", [])}
    return float(info["format"]["duration"]), kinds


RECORDING_RE = re.compile(r"^(\s*)(-\s+)?recording:\s*(?:#.*)?$")
DURATION_RE = re.compile(r"^(\s*duration_seconds:[ \t]*)\d+(?:\.\d+)?")


def duration_line(lines: list[str]) -> int | None:
    """Return the index of the ``duration_seconds:`` line in the recording block."""
    key_column = None
    for index, line in enumerate(lines):
        if key_column is not None:
            stripped = line.strip()
            indent = len(line) - len(line.lstrip())
            if stripped and not stripped.startswith("#") and indent <= key_column:
                key_column = None
            elif DURATION_RE.match(line):
                return index
            else:
                continue
        match = RECORDING_RE.match(line)
        if match:
            key_column = len(match.group(1)) + len(match.group(2) or "")
    return None


def update_duration(yml: Path, seconds: int) -> bool:
    """Set ``duration_seconds:`` inside the ``recording:`` block of module.yml.

    Only the number on that one line is replaced; the rest of the file is kept
    byte for byte. Returns True if the file changed.
    """
    if not yml.is_file():
        return False
    original = yml.read_bytes().decode("utf-8")
    lines = original.splitlines(keepends=True)
    target = duration_line(lines)
    if target is None:
        print(f"warning: {yml} has no duration_seconds in its recording block", file=sys.stderr)
        return False
    lines[target] = DURATION_RE.sub(rf"\g<1>{seconds}", lines[target], count=1)
    updated = "".join(lines)
    if updated == original:
        return False
    yml.write_bytes(updated.encode("utf-8"))
    return True


def make_module(module: Module) -> tuple[int, int]:
    """Build one module's captions and clip; return (whole seconds, clip bytes)."""
    lines = read_transcript(module.transcript)
    with tempfile.TemporaryDirectory(prefix="make_media_") as tmp:
        workdir = Path(tmp)
        narration, cues, duration = build_narration(lines, workdir)
        module.video.parent.mkdir(parents=True, exist_ok=True)
        module.captions.parent.mkdir(parents=True, exist_ok=True)
        staged_video = workdir / "clip.webm"
        encode_video(module, narration, duration, workdir, staged_video)
        measured, kinds = probe(staged_video)
        if not {"video", "audio"} <= kinds:
            raise MediaError(
                f"{module.folder.name}: encoded clip lacks a stream (found {sorted(kinds)})"
            )
        staged_captions = workdir / "captions.vtt"
        staged_captions.write_text(render_vtt(cues), encoding="utf-8", newline="\n")
        shutil.move(staged_video, module.video)
        shutil.move(staged_captions, module.captions)
    seconds = int(measured + 0.5)
    size = module.video.stat().st_size
    changed = update_duration(module.folder / "module.yml", seconds)
    print(
        f"{module.folder.name}: {seconds} s ({measured:.3f} s), {len(cues)} cues, "
        f"{size / 1024:.0f} KiB{', module.yml updated' if changed else ''}"
    )
    return seconds, size


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "modules_dir",
        nargs="?",
        type=Path,
        default=DEFAULT_MODULES_DIR,
        help="folder holding the NN-slug module folders (default: the repository's modules/)",
    )
    args = parser.parse_args(argv)
    try:
        check_tools()
        if not args.modules_dir.is_dir():
            raise MediaError(f"no such folder: {args.modules_dir}")
        folders = sorted(path for path in args.modules_dir.iterdir() if path.is_dir())
        course = read_yaml(args.modules_dir / "course.yml")
        course_title = str(course.get("title") or DEFAULT_COURSE_TITLE)
        modules = [load_module(folder, course_title) for folder in folders]
        modules = [module for module in modules if module.transcript.is_file()]
        if not modules:
            raise MediaError(f"no module folder with a transcript under {args.modules_dir}")
        total = sum(make_module(module)[1] for module in modules)
    except MediaError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"total: {total / 1024:.0f} KiB in {len(modules)} clip(s)")
    if total >= SIZE_BUDGET_BYTES:
        print(f"warning: clips exceed the {SIZE_BUDGET_BYTES // 1024} KiB budget", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
