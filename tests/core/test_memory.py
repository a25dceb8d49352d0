import gc

from balik.core.memory import freeze_loaded_objects


def test_the_loaded_objects_are_out_of_the_collectors_sight():
    try:
        freeze_loaded_objects()
        assert gc.get_freeze_count() > 10_000  # Django and the application, at least
    finally:
        gc.unfreeze()
