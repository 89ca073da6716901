"""Staff: outbox rows that are waiting, failing or dead, and retrying them."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from commerce.outbox.models import OutboxMessage
from commerce.outbox.services import outbox_retry

Status = OutboxMessage.Status
SHOWN = (Status.PENDING, Status.DELIVERING, Status.FAILED, Status.DEAD)
PAGE = 200


class OutboxListView(View):
    template_name = "oscar/dashboard/outbox/message_list.html"

    def get(self, request):
        status = request.GET.get("status", "")
        topic = request.GET.get("topic", "")
        rows = OutboxMessage.objects.filter(status__in=SHOWN)
        if status in Status.values:
            rows = OutboxMessage.objects.filter(status=status)
        if topic:
            rows = rows.filter(topic=topic)
        counts = dict(
            OutboxMessage.objects.values_list("status").annotate(n=Count("id")).order_by()
        )
        topics = (
            OutboxMessage.objects.exclude(status=Status.DONE)
            .values_list("topic", flat=True)
            .distinct()
            .order_by("topic")
        )
        return render(
            request,
            self.template_name,
            {
                "rows": rows.order_by("-id")[:PAGE],
                "counts": [(s, s.label, counts.get(s.value, 0)) for s in Status],
                "topics": list(topics),
                "status": status,
                "topic": topic,
            },
        )


class OutboxRetryView(View):
    def post(self, request):
        ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
        count = outbox_retry(ids=ids)
        messages.success(request, _("%(count)s message(s) queued again.") % {"count": count})
        return redirect(request.POST.get("next") or "dashboard:outbox-list")
