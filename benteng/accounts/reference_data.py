from benteng.accounts.services import offices_load_reference


def load_reference() -> str:
    result = offices_load_reference()
    return (
        f"{result.agencies_created} agencies, {result.offices_created} offices and "
        f"{result.coverage_created} coverage rows created"
    )
