"""Send requests at the same moment: each in its own thread, with its own client (cookies), released together."""

import threading

#: how many requests a race test sends at once (the issue that found the races asked at least 20)
AT_ONCE = 20


def at_once(*calls):
    """Run every call in its own thread, all released by one barrier; return their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)
    errors = []

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except BaseException as exc:  # noqa: BLE001  handed to the test below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    return results
