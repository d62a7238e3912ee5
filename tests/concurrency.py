"""Racing requests in tests: threads that start together, each on its own connection."""

import threading

from learning.database import db, write_transaction


def race(app, workers: int, action) -> list[Exception | None]:
    """Run action(n) in `workers` threads released at once; what each raised, or None.

    Each thread has its own application context, so its own session and connection, and a
    write transaction, as a request that changes state would. A thread commits when its
    action returns and rolls back when it raises.
    """
    barrier = threading.Barrier(workers)
    outcomes: list[Exception | None] = [None] * workers
    db.session.rollback()  # end the caller's snapshot so that it sees the threads' writes

    def run(n):
        with app.app_context(), write_transaction():
            try:
                barrier.wait()
                action(n)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - returned to the caller
                db.session.rollback()
                outcomes[n] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
