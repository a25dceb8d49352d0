# Bahasa Indonesia: day, month in letters, year ("3 Des 2026"), never 12/03/2026; 24-hour time.
# Read by Django through FORMAT_MODULE_PATH; Django's own Indonesian formats write "3 Des. 2026"
# and numeric short dates.
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
