from django import template

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """6155484000 -> (615) 548-4000; anything else is shown as stored."""
    if value and len(value) == 10 and value.isdigit():
        return f"({value[:3]}) {value[3:6]}-{value[6:]}"
    return value or ""
