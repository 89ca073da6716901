from django.contrib import messages
from django.shortcuts import redirect, render

from accounts import policy
from accounts.exceptions import AccountsError


class ActionRequiredMixin:
    """A portal view that needs ``required_action`` (asked of the policy module)."""

    required_action: policy.Action | None = None

    def dispatch(self, request, *args, **kwargs):
        if self.required_action is not None:
            reason = policy.denial_reason(request.membership, self.required_action)
            if reason is not None:
                return render(request, "portal/forbidden.html", {"reason": reason}, status=403)
        return super().dispatch(request, *args, **kwargs)


class ServiceActionMixin:
    """POST-only action views: run one service, report its outcome, go back."""

    http_method_names = ["post"]
    success_url_name = "portal:home"

    def run(self, request, *args, **kwargs) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            message = self.run(request, *args, **kwargs)
        except AccountsError as error:
            messages.error(request, str(error))
        except policy.NotAllowed as error:
            return render(request, "portal/forbidden.html", {"reason": error.reason}, status=403)
        else:
            messages.success(request, message)
        return redirect(self.success_url_name)
