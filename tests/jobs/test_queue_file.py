"""The job queue's SQLite file, made by several processes at once (gunicorn's workers booting
together on a new installation): every one of them gets the queue."""

import multiprocessing

import pytest
from flask import Flask

from learning.jobs import _make_huey

ROUNDS, PROCESSES = 30, 8


def _open_queue(folder, barrier, results) -> None:
    app = Flask(__name__)
    app.config["INSTANCE_DIR"] = folder
    barrier.wait()
    try:
        _make_huey(app)
        results.put("ok")
    except Exception as error:  # noqa: BLE001 - whatever it is, the test reports it
        results.put(repr(error))


@pytest.mark.slow
def test_processes_opening_a_new_queue_at_once_all_get_it(tmp_path):
    # Fork: each process starts at once, as gunicorn's workers do (without the lock, about
    # one round in five had a worker refused with "database is locked").
    context = multiprocessing.get_context("fork")
    failures = []
    for round_ in range(ROUNDS):
        folder = tmp_path / str(round_)
        barrier, results = context.Barrier(PROCESSES), context.Queue()
        processes = [context.Process(target=_open_queue, args=(str(folder), barrier, results))
                     for _ in range(PROCESSES)]
        for process in processes:
            process.start()
        outcomes = [results.get(timeout=60) for _ in processes]
        for process in processes:
            process.join(timeout=60)
        failures += [outcome for outcome in outcomes if outcome != "ok"]
        assert (folder / "queue.db").is_file()
    assert failures == []
