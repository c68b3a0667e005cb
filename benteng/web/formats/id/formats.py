"""The one Indonesian display format of dates and times: "7 Des 2026", "7 Des 2026, 11.16".

Templates show every date with ``|date`` (DATE_FORMAT) and every moment with
``|date:"DATETIME_FORMAT"``; exports and the API write ISO 8601. Input formats stay Django's
(``dd-mm-yyyy`` is what officers type).
"""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H.i"
TIME_FORMAT = "H.i"
