"""Lint-time stand-ins for dbt's cross-database macros (dbt.concat, dbt.dateadd, ...): sqlfluff's
jinja templater exposes this package as `dbt`, so models that call them lint as plain SQL."""


def concat(fields: list[str]) -> str:
    return f"concat({', '.join(fields)})"


def dateadd(datepart: str, interval: object, from_date_or_timestamp: str) -> str:
    return f"({from_date_or_timestamp} + interval ({interval}) {datepart})"


def date_trunc(datepart: str, date: str) -> str:
    return f"date_trunc('{datepart}', {date})"


def type_string() -> str:
    return "varchar"


def listagg(measure: str, delimiter_text: str = "','", order_by_clause: str | None = None, limit_num: int | None = None) -> str:
    order = f" {order_by_clause}" if order_by_clause else ""
    return f"string_agg({measure}, {delimiter_text}{order})"


def split_part(string_text: str, delimiter_text: str, part_number: int) -> str:
    return f"split_part({string_text}, {delimiter_text}, {part_number})"


def datediff(first_date: str, second_date: str, datepart: str) -> str:
    return f"date_diff('{datepart}', {first_date}, {second_date})"


def type_float() -> str:
    return "double"
