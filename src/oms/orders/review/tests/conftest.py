import pytest


@pytest.fixture(autouse=True)
def _fresh_params():
    """Runtime parameters are cached per process for 2 s: a value set by one test (and rolled back
    with its transaction) must not leak into the next."""
    from oms.system import params

    params.invalidate()
    yield
    params.invalidate()
