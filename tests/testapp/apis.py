from backoffice.reviews.apis import DocumentReviewApi, DocumentSubmitApi
from tests.testapp.selectors import access_voucher
from tests.testapp.services import voucher_submit


class VoucherSubmitApi(DocumentSubmitApi):
    access = staticmethod(access_voucher)

    def submit(self, obj, by) -> None:
        voucher_submit(voucher=obj, by=by)


class VoucherReviewApi(DocumentReviewApi):
    access = staticmethod(access_voucher)
