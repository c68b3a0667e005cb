from benteng.regions.services import regions_load_reference


def load_reference() -> str:
    result = regions_load_reference()
    return f"{result.created} regions created, {result.updated} updated"
