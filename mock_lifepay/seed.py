"""Generate the mock's accounts reproducibly: a fixed demo account plus faker-made companies."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final

from faker import Faker

from .models import Company, Printer, PrinterState, Shift, TradePoint, User

PRINTER_MODELS: Final = ("АТОЛ 30Ф", "АТОЛ 91Ф", "Штрих-М-01Ф", "Эвотор СТ2Ф", "Меркурий-115Ф")


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """The fixed account every mock has; documented in docs/mock-server.md."""

    apikey: str = "demo-apikey-7f3c2a9b4e1d4c8a"
    admin_login: str = "79990000001"
    shop_login: str = "79990000002"
    warehouse_login: str = "79990000003"
    blocked_login: str = "79990000009"
    printers: tuple[str, ...] = ("00106304012797", "00106304012798")
    # A second company whose cloud fiscalization is switched off (answers 6080).
    no_cloud_apikey: str = "demo-apikey-nocloud-5b6d"
    no_cloud_login: str = "79990000010"
    no_cloud_printer: str = "00106304019999"


DEMO = DemoAccount()


@dataclass(slots=True)
class World:
    """Everything the mock knows about its customers."""

    companies: dict[int, Company] = field(default_factory=dict)
    trade_points: dict[int, TradePoint] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    printers: dict[str, Printer] = field(default_factory=dict)


def _shift(rng: random.Random, now: datetime, *, fresh: bool) -> Shift:
    """An open shift, opened now (``fresh``) or some hours ago, its totals all zero.

    The totals are the shift's own documents', so a test can assert them to the kopeck.
    """
    age = timedelta(hours=rng.randint(1, 10), minutes=rng.randint(0, 59))
    shift = Shift(number=rng.randint(1, 400), opened_at=now if fresh else now - age)
    # Once the shift's cash put in at the start; still drawn, so a seed keeps the data it made.
    rng.randint(0, 5)
    return shift


class _Builder:
    def __init__(self, seed: int, now: datetime) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("ru_RU")
        self.fake.seed_instance(seed)
        self.now = now
        self.world = World()

    def company(self, name: str, apikey: str, *, cloud: bool = True) -> Company:
        company = Company(
            id=len(self.world.companies) + 1,
            name=name,
            inn=self.fake.businesses_inn(),
            apikey=apikey,
            cloud_print_enabled=cloud,
        )
        self.world.companies[company.id] = company
        return company

    def trade_point(self, company: Company, name: str) -> TradePoint:
        point = TradePoint(
            id=len(self.world.trade_points) + 1,
            company_id=company.id,
            name=name,
            address=self.fake.address().replace("\n", ", "),
        )
        self.world.trade_points[point.id] = point
        return point

    def user(
        self,
        company: Company,
        login: str,
        point: TradePoint | None = None,
        *,
        blocked: bool = False,
    ) -> User:
        user = User(
            login=login,
            company_id=company.id,
            name=self.fake.name(),
            trade_point_id=point.id if point else None,
            blocked=blocked,
        )
        self.world.users[login] = user
        return user

    def printer(self, point: TradePoint, serial: str, *, fresh_shift: bool = False) -> Printer:
        printer = Printer(
            serial=serial,
            model=self.rng.choice(PRINTER_MODELS),
            company_id=point.company_id,
            trade_point_id=point.id,
            shift=_shift(self.rng, self.now, fresh=fresh_shift),
            state=PrinterState.ONLINE,
            fiscal_document_number=self.rng.randint(100, 9000),
        )
        self.world.printers[serial] = printer
        return printer

    def unique_login(self) -> str:
        while True:
            login = "7" + "".join(self.rng.choice("0123456789") for _ in range(10))
            if login not in self.world.users:
                return login

    def unique_serial(self) -> str:
        while True:
            serial = "0010" + "".join(self.rng.choice("0123456789") for _ in range(10))
            if serial not in self.world.printers:
                return serial


def build_world(seed: int = 0, companies: int = 3, now: datetime | None = None) -> World:
    """The demo account, a company without cloud printing, and ``companies`` random ones."""
    builder = _Builder(seed, now or datetime.now(UTC))

    demo = builder.company("ООО «Ромашка» (демо)", DEMO.apikey)
    shop = builder.trade_point(demo, "Магазин на Ленина")
    warehouse = builder.trade_point(demo, "Склад")
    builder.user(demo, DEMO.admin_login)
    builder.user(demo, DEMO.shop_login, shop)
    builder.user(demo, DEMO.warehouse_login, warehouse)
    builder.user(demo, DEMO.blocked_login, blocked=True)
    # The demo shops open their shifts as the mock starts: 24 hours before they expire.
    builder.printer(shop, DEMO.printers[0], fresh_shift=True)
    builder.printer(warehouse, DEMO.printers[1], fresh_shift=True)

    no_cloud = builder.company("ИП Васильков (без облака)", DEMO.no_cloud_apikey, cloud=False)
    no_cloud_point = builder.trade_point(no_cloud, "Киоск")
    builder.user(no_cloud, DEMO.no_cloud_login)
    builder.printer(no_cloud_point, DEMO.no_cloud_printer)

    for _ in range(companies):
        company = builder.company(builder.fake.company(), builder.fake.hexify("^" * 32))
        builder.user(company, builder.unique_login())
        for _ in range(builder.rng.randint(1, 3)):
            point = builder.trade_point(company, f"Точка «{builder.fake.street_name()}»")
            builder.user(company, builder.unique_login(), point)
            for _ in range(builder.rng.randint(1, 2)):
                builder.printer(point, builder.unique_serial())
    return builder.world
