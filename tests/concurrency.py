"""Running things at the same moment, for the tests of what parallel requests do."""

import threading

from django.db import connection


def in_parallel(actions) -> list:
    """Run every callable at the same moment, each in its own thread and connection.

    Returns their results in order. Any exception in an action fails the test, after
    every thread has finished.
    """
    barrier = threading.Barrier(len(actions))
    errors = []
    results = [None] * len(actions)

    def run(i, action):
        try:
            barrier.wait()
            results[i] = action()
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results
