"""replies: decides, for every inbound text, whether the bot answers, hands over to an
agent, or ignores, and writes the answer in the brand's voice. Pure Python: no web,
queue or database dependency (shop data comes in through the ShopData protocol)."""
from .engine import ReplyEngine
from .model import INTENTS, Action, Decision, Turn
from .shopdata import InMemoryShopData, Order, Product, ShopData
from .voice import BrandPack, BrandPackError, load_brand_pack

__all__ = [
    "ReplyEngine", "Decision", "Action", "Turn", "ShopData", "Product", "Order", "InMemoryShopData",
    "BrandPack", "load_brand_pack", "BrandPackError", "INTENTS",
]
