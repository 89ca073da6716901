"""``{% bar_chart items %}`` and ``{% line_chart labels series %}`` in templates."""

from django import template

from commerce.reports import charts

register = template.Library()


@register.simple_tag
def bar_chart(items):
    return charts.bar_chart(items)


@register.simple_tag
def line_chart(labels, series):
    return charts.line_chart(labels, series)
