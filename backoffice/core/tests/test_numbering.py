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


@pytest.mark.django_db
def test_numbers_taken_elsewhere_move_each_years_counter_past_the_highest():
    """numbers_taken_in: only numbers this system could give move a counter, and never
    back (an import's orders; run on both databases: each has its own pattern)."""
    from backoffice.core.numbering import numbers_taken_in

    numbers = [
        "SO-2024-000007",
        "SO-2024-000012",  # 2024's highest
        "SO-2025-000321",  # 2025's highest of the form
        "SO-2025-1000001",  # seven digits: a year of a million orders; moves nothing
        "SO-2025-0000500",  # a leading zero this system never writes
        "SO-2025-00009",  # five digits
        "SO-2025-2147483647",  # a counter's end: would stop the year's numbering
        "SO-2025-12a456",  # of the pattern LIKE sees, never cast
        "SO-20x5-000777",
        "SO-2026-00000x",
        "SO-2026-0000001",
        "XSO-2026-000900",
        "so-2026-000900",
        "DN-2026-000900",  # another kind
        "SO-2027-000003",
    ]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE taken_numbers (number varchar(32))")
        cursor.executemany("INSERT INTO taken_numbers VALUES (%s)", [[n] for n in numbers])
    with transaction.atomic():
        next_number(kind="SO", year=2027)
        next_number(kind="SO", year=2027)
        for _ in range(5):
            next_number(kind="SO", year=2027)  # 2027 is already past its 3
        found = numbers_taken_in("taken_numbers", "number", kind="SO")
        assert found == {2024: 12, 2025: 321, 2027: 3}
        assert next_number(kind="SO", year=2024) == "SO-2024-000013"
        assert next_number(kind="SO", year=2025) == "SO-2025-000322"
        assert next_number(kind="SO", year=2026) == "SO-2026-000001"
        assert next_number(kind="SO", year=2027) == "SO-2027-000008"
        assert numbers_taken_in("taken_numbers", "number", kind="SO") == found  # again: no move
        assert next_number(kind="SO", year=2024) == "SO-2024-000014"
    with pytest.raises(ValueError):
        numbers_taken_in("taken_numbers", "number", kind="S'O")
