from commerce.core.errors import DomainError


class ListError(DomainError):
    """A shopping list change that cannot be made; nothing was changed."""

    code = "validation_error"
    status = 400


class ProductNotAvailable(ListError):
    code = "product_unavailable"


class NotListOwner(ListError):
    code = "permission_denied"
    status = 403


class ImportRefused(ListError):
    code = "import_refused"

    def __init__(self, problems: list[str]):
        super().__init__("The file was not imported: " + " ".join(problems))
        self.problems = problems

    def details(self):
        return {"rows": self.problems}
