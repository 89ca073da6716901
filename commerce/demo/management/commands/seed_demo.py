"""Load demo data: catalog, warehouses, people and companies. Safe to run again."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalog.pagination import bump_catalog_version
from commerce.demo.approvals import seed_approvals
from commerce.demo.billing import seed_billing
from commerce.demo.buying import seed_buying_tools
from commerce.demo.catalog import seed_catalog, seed_visibility
from commerce.demo.dealers import seed_dealer_network, seed_dealer_orders
from commerce.demo.history import seed_history
from commerce.demo.households import seed_households
from commerce.demo.instalments import seed_instalments
from commerce.demo.leads import seed_leads
from commerce.demo.members import seed_members
from commerce.demo.people import seed_people
from commerce.demo.pricing import seed_pricing
from commerce.demo.promotions import seed_promotions


class Command(BaseCommand):
    help = "Create (or top up) the demo data. Idempotent; --products sizes the catalog."

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=500, help="catalog size (default 500)")
        parser.add_argument(
            "--no-images", action="store_true", help="skip generating product images"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, products: int, no_images: bool, no_progress: bool, **options):
        if products < 0:
            raise CommandError("--products must be zero or more")
        with tqdm(
            total=products,
            desc="Products",
            unit="product",
            disable=no_progress,
            file=self.stdout._out,
        ) as bar:
            created = seed_catalog(products, images=not no_images, progress=bar.update)
        bump_catalog_version()  # bulk inserts bypass the signals that do it
        self.stdout.write("People and companies...")
        companies = seed_people()
        self.stdout.write("Price lists, tiers and loyalty...")
        seed_pricing(companies)
        seed_promotions(companies)
        history = seed_history()
        self.stdout.write("Credit accounts and invoices...")
        seed_billing(companies)
        seed_approvals(companies)
        self.stdout.write("Channels and assortments...")
        seed_visibility(companies, products)
        link = seed_members(products)
        seed_instalments(products)
        seed_households()
        bump_catalog_version()
        seed_buying_tools(companies)
        self.stdout.write("Dealer network...")
        dealers = seed_dealer_network()
        dealer_orders = seed_dealer_orders()
        self.stdout.write(f"{len(dealers)} dealers, {dealer_orders} new dealer orders.")
        self.stdout.write(f"{seed_leads()} new dealer leads.")
        self.stdout.write(f"Members' shop invitation (Gold members): {link}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {created} new products ({products} in the demo range), "
                f"{len(companies)} companies, {history} past orders."
            )
        )
