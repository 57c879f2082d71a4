"""One request path for the fiscal day's documents: shift opening, X-report, Z-report."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.lifepay.api import (
    Cashier,
    DocumentKind,
    LifePayClient,
    LifePayHttpStatusError,
    LifePayInputError,
    LifePayTransportError,
    LifePayValidationError,
)
from mock_lifepay.faults import Fault, FaultKind

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        (DocumentKind.X_REPORT, "/cloud-print/create-x-report"),
        (DocumentKind.OPEN_SHIFT, "/cloud-print/create-session"),
        (DocumentKind.Z_REPORT, "/cloud-print/create-z-report"),
    ],
)
async def test_each_kind_goes_to_its_endpoint(
    client: LifePayClient, lifepay_mock: MockHandle, kind: DocumentKind, path: str
) -> None:
    result = await client.create_document(
        kind, target_serial=lifepay_mock.demo.printers[0], ext_id=f"day-{kind.value}"
    )
    assert result.uuid is not None
    document = lifepay_mock.mock.backend.documents[result.uuid]
    assert document.type.value == kind.value
    (entry,) = lifepay_mock.mock.journal.entries()
    assert entry.path == path


async def test_a_fiscal_day_through_the_client(
    client: LifePayClient, lifepay_mock: MockHandle
) -> None:
    serial = lifepay_mock.demo.printers[0]
    printer = lifepay_mock.mock.backend.world.printers[serial]
    number = printer.shift.number
    cashier = Cashier(name="Иванова А. П.", inn="500100732259")
    await client.create_document(DocumentKind.Z_REPORT, target_serial=serial, cashier=cashier)
    await lifepay_mock.mock.wait_until_idle()
    assert not printer.shift.is_open
    opened = await client.create_document(
        DocumentKind.OPEN_SHIFT, target_serial=serial, cashier=cashier
    )
    await lifepay_mock.mock.wait_until_idle()
    assert printer.shift.is_open
    assert printer.shift.number == number + 1
    document = lifepay_mock.mock.backend.documents[opened.uuid or ""]
    assert (document.cashier_name, document.cashier_inn) == (cashier.name, cashier.inn)


async def test_same_errors_and_retry_rule_on_every_endpoint(
    client: LifePayClient, lifepay_mock: MockHandle
) -> None:
    with pytest.raises(LifePayValidationError) as caught:
        await client.create_document(DocumentKind.Z_REPORT, target_serial="42")
    assert caught.value.field_errors == {"target_serial": ("Принтер не найден.",)}
    lifepay_mock.mock.faults.add(Fault(FaultKind.HTTP_STATUS, status=502))
    with pytest.raises(LifePayHttpStatusError) as transport:
        await client.create_document(DocumentKind.OPEN_SHIFT, ext_id="open-1")
    assert isinstance(transport.value, LifePayTransportError)


@pytest.mark.parametrize(
    ("kind", "cashier", "fragment"),
    [
        (DocumentKind.X_REPORT, Cashier(name="A"), "names no cashier"),
        (DocumentKind.Z_REPORT, Cashier(inn="1234"), "12 digits"),
        (DocumentKind.Z_REPORT, Cashier(inn="50010073225x"), "12 digits"),
        (DocumentKind.OPEN_SHIFT, Cashier(name=" "), "1 to 64"),
        (DocumentKind.OPEN_SHIFT, Cashier(name="x" * 65), "1 to 64"),
    ],
)
async def test_cashier_checked_before_sending(
    client: LifePayClient,
    lifepay_mock: MockHandle,
    kind: DocumentKind,
    cashier: Cashier,
    fragment: str,
) -> None:
    with pytest.raises(LifePayInputError, match=fragment):
        await client.create_document(kind, cashier=cashier)
    assert lifepay_mock.mock.journal.entries() == []
