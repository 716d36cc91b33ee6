import threading

import pytest
from django.db import connection, transaction

from backoffice.core.models import DocumentCounter
from backoffice.core.numbering import next_number


@pytest.mark.django_db
def test_numbers_are_sequential_per_kind_and_year():
    with transaction.atomic():
        assert next_number(kind="SO", year=2026) == "SO-2026-000001"
        assert next_number(kind="SO", year=2026) == "SO-2026-000002"
        assert next_number(kind="SO", year=2027) == "SO-2027-000001"
        assert next_number(kind="DN", year=2026) == "DN-2026-000001"


@pytest.mark.django_db
def test_a_rolled_back_number_is_given_again():
    with transaction.atomic():
        next_number(kind="SO", year=2026)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_number(kind="SO", year=2026) == "SO-2026-000002"
        raise RuntimeError("release failed")
    with transaction.atomic():
        assert next_number(kind="SO", year=2026) == "SO-2026-000002"


@pytest.mark.django_db(transaction=True)
def test_numbering_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        next_number(kind="SO", year=2026)


class Rollback(Exception):
    pass


@pytest.mark.race
@pytest.mark.django_db(transaction=True)
def test_fifty_threads_with_rollbacks_leave_no_gap_and_no_duplicate():
    committed: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(50)

    def worker(index: int) -> None:
        try:
            start.wait()
            try:
                with transaction.atomic():
                    number = next_number(kind="RACE", year=2026)
                    if index % 4 == 0:
                        raise Rollback
            except Rollback:
                return
            with lock:
                committed.append(number)
        except BaseException as exc:  # surfaced below, in the test's own thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(committed) == 37  # 13 of the 50 (index 0, 4, ..., 48) rolled back
    assert sorted(committed) == [f"RACE-2026-{n:06d}" for n in range(1, 38)]
    assert DocumentCounter.objects.get(kind="RACE", year=2026).last_number == 37
