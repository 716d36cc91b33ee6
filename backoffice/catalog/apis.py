from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backoffice.catalog.filters import ProductFilter
from backoffice.catalog.models import Product, ProductCategory
from backoffice.catalog.selectors import product_list
from backoffice.catalog.services import product_save
from backoffice.core.access import access_object, require_perm
from backoffice.core.api import SlugRelatedField, filtered, paginate, paginated_schema
from backoffice.core.versions import detail_response, expected_version


class ProductSerializer(serializers.ModelSerializer):
    category = SlugRelatedField(
        slug_field="code", queryset=ProductCategory.objects.all(), required=False, allow_null=True
    )
    vat_rate = serializers.DecimalField(
        max_digits=6,
        decimal_places=4,
        min_value=Decimal("0"),
        max_value=Decimal("0.9999"),
        required=False,
    )
    list_price = serializers.DecimalField(max_digits=18, decimal_places=6, min_value=Decimal("0"))

    class Meta:
        model = Product
        fields = [
            "id",
            "code",
            "name",
            "specification",
            "unit",
            "manufacturer",
            "approval_number",
            "category",
            "vat_rate",
            "list_price",
            "is_active",
        ]
        ref_name = "Product"


class ProductListApi(APIView):
    filterset_class = ProductFilter

    @extend_schema(responses={200: paginated_schema(ProductSerializer, "Product")})
    def get(self, request: Request) -> Response:
        products = filtered(request, self.filterset_class, product_list())
        return paginate(request, products, ProductSerializer, self)

    @extend_schema(request=ProductSerializer, responses={201: ProductSerializer})
    def post(self, request: Request) -> Response:
        require_perm(request.user, "catalog.add_product")
        data = ProductSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        product = product_save(by=request.user, **data.validated_data)
        return Response(ProductSerializer(product).data, status=201)


class ProductDetailApi(APIView):
    @extend_schema(responses={200: ProductSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(access_object(Product.objects.all(), pk), ProductSerializer)

    @extend_schema(request=ProductSerializer, responses={200: ProductSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        product = access_object(Product.objects.all(), pk)
        require_perm(request.user, "catalog.change_product")
        data = ProductSerializer(product, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        product = product_save(
            by=request.user,
            product=product,
            expected_version=expected_version(request),
            **data.validated_data,
        )
        return detail_response(product, ProductSerializer)
