"""Roles a column's header names: the vocabularies and the rules that read them.

A header is split into lower-case words (`naming.role_words`) before it comes here:
"Revenue" names an amount, "qty" a quantity, "InvoiceNo" an order number, and in a table
of customers "days_since_last_order" their recency, "num_orders" their frequency,
"total_spent_usd" their spend. Which of these a table gets, and what the values say
beside them, is `roles.py`'s.
"""

from __future__ import annotations

from collections.abc import Sequence

from tools.engine.cancellation import cancel_flag_words
from tools.engine.customer_key import ID_WORDS, ORDER_WORDS
from tools.engine.schema import DType, Role

_AMOUNT_WORDS = frozenset({"revenue", "amount", "sales", "total", "spend", "spent", "value",
                           "gmv", "subtotal", "paid", "net", "gross", "turnover", "sale",
                           "sum"})
# What a line costs besides the goods ("freight_value", "shipping_amount"): not the spend.
_NOT_SPEND_WORDS = frozenset({"freight", "shipping", "postage", "delivery", "tax", "vat",
                              "fee", "fees", "tip", "discount"})
_QUANTITY_WORDS = frozenset({"quantity", "qty", "units", "items", "pieces", "pcs"})
_PRICE_WORDS = frozenset({"price", "unitprice", "rate", "cost"})
_STATUS_WORDS = frozenset({"status", "cancelled", "canceled", "cancellation"})
_COUNT_WORDS = frozenset({"num", "number", "of", "total", "count", "n", "no", "cnt", "nb"})
_ORDER_COUNT_WORDS = frozenset({"orders", "purchases", "transactions", "invoices", "receipts",
                                "gifts", "donations"})
# What a customer's orders are called: counted, they are the frequency; their amount, spend.
_ORDER_NOUNS = frozenset({"order", "purchase", "transaction", "receipt", "invoice",
                          *_ORDER_COUNT_WORDS})
# A quantity of orders is their number ("order quantity", "订单数量", "количество заказов").
_QUANTITY_COUNTS = frozenset({"quantity", "qty"})
_MONEY_TOTAL_WORDS = frozenset({"monetary", "spend", "spent", "revenue", "sales", "ltv", "clv",
                                "amount", "value", "lifetime", "total", "giving", "donated"})
_SPEND_WORDS = frozenset({"monetary", "spend", "spent", "revenue", "sales", "ltv", "clv",
                          "giving", "donated"})
# The currency a header gives its unit in ("total_spent_usd", "消费金额（元）", "сумма, руб")
# says nothing about what the number is.
_CURRENCY_WORDS = frozenset({"usd", "eur", "gbp", "cny", "rmb", "yuan", "rub", "inr", "jpy",
                             "chf", "cad", "aud", "dollars", "euros", "pounds", "roubles",
                             "rubles"})
# Whole numbers in a column named so are codes (a category), not a measure.
CODE_WORDS = frozenset({"code", "type", "class", "segment", "group", "category", "tier",
                        "level", "region", "cluster", "zip", "postcode", "channel"})


def is_number(dtype: DType) -> bool:
    return dtype in (DType.NUMBER, DType.INTEGER)


def transaction_role(words: Sequence[str], word_set: set[str], dtype: DType,
                     taken: set[Role]) -> tuple[Role, str] | None:
    candidates: list[tuple[Role, bool, str]] = [
        (Role.ORDER_ID, dtype is not DType.DATE and (
            bool(word_set & ORDER_WORDS) and bool(word_set & ID_WORDS)
            or word_set <= {"invoice", "order", "receipt", "transaction"}),
         "name says order/invoice number"),
        (Role.UNIT_PRICE, is_number(dtype) and bool(word_set & _PRICE_WORDS)
         and not word_set & {"total", "amount"}, "a number named like a unit price"),
        (Role.QUANTITY, is_number(dtype) and bool(word_set & _QUANTITY_WORDS),
         "a number named like a quantity"),
        (Role.AMOUNT, is_number(dtype) and bool(word_set & _AMOUNT_WORDS)
         and not word_set & _NOT_SPEND_WORDS, "a number named like revenue or amount"),
        # "order_state" is a status; a bare "State" is where the customer lives.
        (Role.STATUS, dtype is not DType.DATE and (bool(word_set & _STATUS_WORDS) or (
            "state" in word_set and bool(word_set & ORDER_WORDS))), "name says order status"),
        # A yes/no column named like `cancel_flag_words` ("is_cancelled") marks cancelled
        # lines; "is_returned" does not (returns are purchases: SEMANTICS.md).
        (Role.STATUS, dtype is DType.BOOL and bool(word_set & cancel_flag_words()),
         "yes/no: whether the line was cancelled"),
    ]
    for role, matches, reason in candidates:
        if matches and role not in taken:
            return role, reason
    return None


# Words of the period a total is counted over ("12m", "last 30 days", "ytd").
_PERIOD_WORDS = frozenset({"m", "d", "w", "y", "mo", "mon", "month", "months", "year", "years",
                           "yr", "yrs", "day", "days", "week", "weeks", "ytd", "ltm"})

def customer_role(words: Sequence[str], word_set: set[str], dtype: DType,
                  taken: set[Role]) -> tuple[Role, str] | None:
    if not is_number(dtype):
        return None
    # "spend_12m", "orders_last_12_months": the period counted over is no word of the role
    core = {w for w in word_set - _COUNT_WORDS - _CURRENCY_WORDS
            if not w.isdigit() and w not in _PERIOD_WORDS}
    counted = core - _QUANTITY_COUNTS
    # Spend is named by its money word, with or without the orders it was spent on ("total
    # spend", "amount of purchases", "сумма покупок"); in a table of customers, a bare amount
    # is theirs. "Purchase amount" may be one purchase's: a measure; a TOTAL transaction
    # amount (Total_Trans_Amt) is their spend.
    money = core - (_ORDER_NOUNS if "total" in word_set else _ORDER_COUNT_WORDS)
    candidates: list[tuple[Role, bool, str]] = [
        (Role.RECENCY, "recency" in word_set or {"days", "since", "last"} <= word_set
         or {"last", "order", "days"} <= word_set or {"last", "purchase", "days"} <= word_set,
         "a number named like days since the last purchase"),
        # A bare "tenure" is often in months (telecoms): only days make it our tenure.
        (Role.TENURE, ("tenure" in word_set and "days" in word_set)
         or {"days", "since", "first"} <= word_set
         or {"first", "order", "days"} <= word_set or {"first", "purchase", "days"} <= word_set,
         "a number named like days since the first purchase"),
        # A count of orders is whole: "PURCHASES" holding 1,234.56 is an amount.
        (Role.FREQUENCY, dtype is DType.INTEGER and ("frequency" in word_set or (
            len(counted) == 1 and counted <= _ORDER_NOUNS and (
                counted <= _ORDER_COUNT_WORDS
                or bool(word_set & (_COUNT_WORDS | _QUANTITY_COUNTS))))),
         "a number named like a count of orders"),
        (Role.MONETARY, "monetary" in word_set or (
            bool(money) and money <= _MONEY_TOTAL_WORDS
            and (bool(money & _SPEND_WORDS) or money == {"amount"}))
         or {"lifetime", "value"} <= word_set or {"amount", "spent"} <= word_set,
         "a number named like total spend"),
    ]
    for role, matches, reason in candidates:
        if matches and role not in taken:
            return role, reason
    return None
