"""Small synthetic files shaped like widely used public marketing datasets (fixed seeds).

Each writer returns the raw frame it wrote, so tests compute intended answers with plain
pandas on the file's own columns, independently of the loader and the interpreter.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

YES_NO = ["Yes", "No"]


def telco_churn(folder: Path, n: int = 400) -> tuple[Path, pd.DataFrame]:
    """IBM Telco customer churn: tenure in months, Yes/No services, TotalCharges as text."""
    rng = np.random.default_rng(11)
    internet = rng.choice(["DSL", "Fiber optic", "No"], n, p=[.35, .45, .2])
    tenure = rng.integers(0, 73, n)
    monthly = rng.uniform(18.25, 118.75, n).round(2)
    phone = rng.choice(YES_NO, n, p=[.9, .1])

    def service() -> np.ndarray:
        return np.where(internet == "No", "No internet service", rng.choice(YES_NO, n))

    frame = pd.DataFrame({
        "customerID": [f"{rng.integers(1000, 9999)}-{chr(65 + i % 26)}{i:04d}" for i in range(n)],
        "gender": rng.choice(["Female", "Male"], n),
        "SeniorCitizen": rng.choice([0, 1], n, p=[.8, .2]),
        "Partner": rng.choice(YES_NO, n), "Dependents": rng.choice(YES_NO, n, p=[.3, .7]),
        "tenure": tenure,
        "PhoneService": phone,
        "InternetService": internet,
        "MultipleLines": np.where(phone == "No", "No phone service", rng.choice(YES_NO, n)),
        "OnlineSecurity": service(), "TechSupport": service(), "StreamingTV": service(),
        "StreamingMovies": service(), "DeviceProtection": service(),
        "Contract": rng.choice(["Month-to-month", "One year", "Two year"], n, p=[.55, .2, .25]),
        "PaperlessBilling": rng.choice(YES_NO, n),
        "PaymentMethod": rng.choice(["Electronic check", "Mailed check",
                                     "Bank transfer (automatic)", "Credit card (automatic)"], n),
        "MonthlyCharges": monthly,
        "TotalCharges": [" " if t == 0 else f"{t * m:.2f}"
                         for t, m in zip(tenure, monthly, strict=True)],
        "Churn": rng.choice(YES_NO, n, p=[.27, .73]),
    })
    path = folder / "WA_Fn-UseC_-Telco-Customer-Churn.csv"
    frame.to_csv(path, index=False)
    return path, frame


def bank_marketing(folder: Path, n: int = 400) -> tuple[Path, pd.DataFrame]:
    """UCI bank marketing: semicolon-separated, yes/no columns, no id column."""
    rng = np.random.default_rng(12)
    previous = rng.choice([0, 0, 0, 1, 2, 3, 5], n)
    frame = pd.DataFrame({
        "age": rng.integers(18, 90, n),
        "job": rng.choice(["admin.", "blue-collar", "entrepreneur", "housemaid", "management",
                           "retired", "self-employed", "services", "student", "technician",
                           "unemployed", "unknown"], n),
        "marital": rng.choice(["married", "single", "divorced"], n, p=[.6, .28, .12]),
        "education": rng.choice(["primary", "secondary", "tertiary", "unknown"], n),
        "default": rng.choice(["no", "yes"], n, p=[.9, .1]),
        "balance": rng.integers(-2000, 40000, n),
        "housing": rng.choice(["yes", "no"], n), "loan": rng.choice(["no", "yes"], n, p=[.8, .2]),
        "contact": rng.choice(["cellular", "telephone", "unknown"], n),
        "day": rng.integers(1, 32, n),
        "month": rng.choice(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                             "oct", "nov", "dec"], n),
        "duration": rng.integers(0, 1500, n),
        "campaign": rng.integers(1, 12, n),
        "pdays": np.where(previous == 0, -1, rng.integers(1, 400, n)),
        "previous": previous,
        "poutcome": np.where(previous == 0, "unknown",
                             rng.choice(["failure", "other", "success"], n)),
        "y": rng.choice(["no", "yes"], n, p=[.85, .15]),
    })
    path = folder / "bank-full.csv"
    frame.to_csv(path, index=False, sep=";")
    return path, frame


def shopping_trends(folder: Path, n: int = 400) -> tuple[Path, pd.DataFrame]:
    """Customer shopping behaviour: one purchase per customer, Yes/No text flags."""
    rng = np.random.default_rng(13)
    items = {"Clothing": ["Blouse", "Shirt", "Dress", "Jeans"], "Footwear": ["Boots", "Sandals"],
             "Outerwear": ["Coat", "Jacket"], "Accessories": ["Belt", "Handbag", "Scarf"]}
    category = rng.choice(list(items), n)
    discount = rng.choice(YES_NO, n, p=[.43, .57])
    frame = pd.DataFrame({
        "Customer ID": range(1, n + 1),
        "Age": rng.integers(18, 71, n),
        "Gender": rng.choice(["Male", "Female"], n),
        "Item Purchased": [rng.choice(items[c]) for c in category],
        "Category": category,
        "Purchase Amount (USD)": rng.integers(20, 101, n),
        "Location": rng.choice(["California", "Texas", "New York", "Florida", "Illinois",
                                "Montana", "Alabama"], n),
        "Size": rng.choice(["S", "M", "L", "XL"], n),
        "Season": rng.choice(["Winter", "Spring", "Summer", "Fall"], n),
        "Review Rating": rng.integers(25, 51, n) / 10,
        "Subscription Status": rng.choice(YES_NO, n, p=[.27, .73]),
        "Shipping Type": rng.choice(["Express", "Free Shipping", "Next Day Air", "Standard",
                                     "2-Day Shipping", "Store Pickup"], n),
        "Discount Applied": discount,
        "Promo Code Used": discount,
        "Previous Purchases": rng.integers(1, 51, n),
        "Payment Method": rng.choice(["Venmo", "Cash", "Credit Card", "PayPal", "Debit Card",
                                      "Bank Transfer"], n),
        "Frequency of Purchases": rng.choice(["Fortnightly", "Weekly", "Annually", "Quarterly",
                                              "Bi-Weekly", "Monthly", "Every 3 Months"], n),
    })
    path = folder / "shopping_behavior.csv"
    frame.to_csv(path, index=False)
    return path, frame


def superstore_orders(folder: Path, n: int = 3000) -> tuple[Path, pd.DataFrame]:
    """Superstore order lines: US-style dates, one Segment per customer, Sales per line."""
    rng = np.random.default_rng(14)
    initials = zip(rng.choice(list("ABCDGJKMPST"), 150), rng.choice(list("ABCDHKLMSW"), 150),
                   strict=True)
    customers = [f"{a}{b}-{10000 + i * 15}" for i, (a, b) in enumerate(initials)]
    segment_of = dict(zip(customers, rng.choice(["Consumer", "Corporate", "Home Office"], 150,
                                                p=[.5, .3, .2]), strict=True))
    order_count = 900
    order_customer = rng.choice(customers, order_count)
    order_date = pd.Timestamp("2014-01-03") + pd.to_timedelta(
        rng.integers(0, 1460, order_count), unit="D")
    order_ids = [f"CA-{d.year}-{100000 + i}" for i, d in enumerate(order_date)]
    line_order = rng.integers(0, order_count, n)
    frame = pd.DataFrame({
        "Row ID": range(1, n + 1),
        "Order ID": [order_ids[i] for i in line_order],
        "Order Date": [f"{order_date[i].month}/{order_date[i].day}/{order_date[i].year}"
                       for i in line_order],
        "Ship Mode": rng.choice(["Standard Class", "Second Class", "First Class", "Same Day"], n),
        "Customer ID": [order_customer[i] for i in line_order],
        "Segment": [segment_of[order_customer[i]] for i in line_order],
        "Country": "United States",
        "State": rng.choice(["California", "New York", "Texas", "Washington", "Ohio"], n),
        "Region": rng.choice(["West", "East", "Central", "South"], n),
        "Category": rng.choice(["Furniture", "Office Supplies", "Technology"], n),
        "Sales": rng.gamma(1.2, 200, n).round(2),
        "Quantity": rng.integers(1, 10, n),
        "Discount": rng.choice([0, 0.1, 0.2, 0.5], n),
        "Profit": rng.normal(20, 80, n).round(2),
    })
    path = folder / "Sample - Superstore.csv"
    frame.to_csv(path, index=False)
    return path, frame


def superstore_features(frame: pd.DataFrame) -> pd.DataFrame:
    """SEMANTICS.md customer features of the order lines, with plain pandas."""
    lines = frame[(frame["Sales"] > 0) & (frame["Quantity"] > 0)].copy()
    lines["date"] = pd.to_datetime(lines["Order Date"], format="%m/%d/%Y")
    as_of = lines["date"].max() + pd.Timedelta(days=1)
    grouped = lines.groupby("Customer ID")
    features = pd.DataFrame({
        "monetary": grouped["Sales"].sum(),
        "frequency": grouped["Order ID"].nunique(),
        "recency_days": (as_of - grouped["date"].max()).dt.days,
        "tenure_days": (as_of - grouped["date"].min()).dt.days,
        "last_purchase": grouped["date"].max(),
        "first_purchase": grouped["date"].min(),
    })
    features["avg_order_value"] = features["monetary"] / features["frequency"]
    for column in ("Segment", "State", "Region", "Category", "Ship Mode"):
        counts = lines.groupby(["Customer ID", column]).size().reset_index(name="n")
        counts = counts.sort_values(["Customer ID", "n", column], ascending=[True, False, True])
        features[column] = counts.drop_duplicates("Customer ID").set_index("Customer ID")[column]
    return features


def loyalty_members(folder: Path, n: int = 400) -> tuple[Path, pd.DataFrame]:
    """A loyalty programme: birth year, sign-up date, points, tier, visits last month."""
    rng = np.random.default_rng(15)
    frame = pd.DataFrame({
        "member_id": range(1001, 1001 + n),
        "birth_year": rng.integers(1940, 2008, n),
        "gender": rng.choice(["F", "M"], n),
        "city": rng.choice(["Chicago", "Boston", "Seattle", "Denver"], n),
        "signup_date": (pd.Timestamp("2016-01-01") + pd.to_timedelta(
            rng.integers(0, 3000, n), unit="D")).strftime("%Y-%m-%d"),
        "tier": rng.choice(["Bronze", "Silver", "Gold", "Platinum"], n, p=[.4, .3, .2, .1]),
        "points": rng.integers(0, 20000, n),
        "visits_last_month": rng.integers(0, 15, n),
        "email_opt_in": rng.choice([True, False], n),
        "total_spend": rng.uniform(0, 8000, n).round(2),
    })
    path = folder / "loyalty_members.csv"
    frame.to_csv(path, index=False)
    return path, frame


def ecommerce_churn(folder: Path, n: int = 400) -> tuple[Path, pd.DataFrame]:
    """E-commerce churn: Tenure in months, CityTier, 0/1 Churn and Complain, day counts."""
    rng = np.random.default_rng(16)
    frame = pd.DataFrame({
        "CustomerID": range(50001, 50001 + n),
        "Churn": rng.choice([0, 1], n, p=[.83, .17]),
        "Tenure": rng.integers(0, 62, n),
        "PreferredLoginDevice": rng.choice(["Mobile Phone", "Computer", "Phone"], n),
        "CityTier": rng.choice([1, 2, 3], n),
        "WarehouseToHome": rng.integers(5, 37, n),
        "PreferredPaymentMode": rng.choice(["Debit Card", "UPI", "Credit Card", "E wallet",
                                            "Cash on Delivery"], n),
        "Gender": rng.choice(["Female", "Male"], n),
        "HourSpendOnApp": rng.integers(0, 6, n),
        "PreferedOrderCat": rng.choice(["Laptop & Accessory", "Mobile Phone", "Fashion",
                                        "Grocery", "Others"], n),
        "SatisfactionScore": rng.integers(1, 6, n),
        "MaritalStatus": rng.choice(["Single", "Married", "Divorced"], n),
        "Complain": rng.choice([0, 1], n, p=[.72, .28]),
        "CouponUsed": rng.integers(0, 17, n),
        "OrderCount": rng.integers(1, 17, n),
        "DaySinceLastOrder": rng.integers(0, 47, n),
        "CashbackAmount": rng.uniform(0, 325, n).round(2),
    })
    path = folder / "E Commerce Dataset.csv"
    frame.to_csv(path, index=False)
    return path, frame


def wholesale_customers(folder: Path, n: int = 440) -> tuple[Path, pd.DataFrame]:
    """UCI wholesale customers: coded Channel and Region, annual spend per product family."""
    rng = np.random.default_rng(17)
    frame = pd.DataFrame({
        "Channel": rng.choice([1, 2], n, p=[.68, .32]),
        "Region": rng.choice([1, 2, 3], n, p=[.18, .1, .72]),
        **{name: rng.gamma(1.1, scale, n).round().astype(int) for name, scale in (
            ("Fresh", 12000), ("Milk", 5800), ("Grocery", 8000), ("Frozen", 3000),
            ("Detergents_Paper", 2900), ("Delicassen", 1500))},
    })
    path = folder / "Wholesale customers data.csv"
    frame.to_csv(path, index=False)
    return path, frame


def card_usage(folder: Path, n: int = 400) -> tuple[Path, pd.DataFrame]:
    """Credit-card usage for clustering (CC GENERAL): upper-case names, TENURE in months."""
    rng = np.random.default_rng(18)
    purchases = rng.gamma(0.8, 1200, n).round(2)
    frame = pd.DataFrame({
        "CUST_ID": [f"C{10001 + i}" for i in range(n)],
        "BALANCE": rng.gamma(1.0, 1500, n).round(2),
        "PURCHASES": purchases,
        "ONEOFF_PURCHASES": (purchases * rng.uniform(0, 1, n)).round(2),
        "CASH_ADVANCE": np.where(rng.uniform(0, 1, n) < .5, 0, rng.gamma(1, 1500, n)).round(2),
        "PURCHASES_FREQUENCY": rng.uniform(0, 1, n).round(6),
        "PURCHASES_TRX": rng.integers(0, 120, n),
        "CREDIT_LIMIT": rng.choice([1000, 1500, 2500, 4000, 7000, 12000], n),
        "PAYMENTS": rng.gamma(1, 1700, n).round(2),
        "PRC_FULL_PAYMENT": rng.choice([0, 0, 0.083333, 0.5, 1], n),
        "TENURE": rng.choice([6, 8, 10, 12, 12, 12, 12], n),
    })
    path = folder / "CC GENERAL.csv"
    frame.to_csv(path, index=False)
    return path, frame


def ecommerce_customers(folder: Path, n: int = 400) -> tuple[Path, pd.DataFrame]:
    """'Ecommerce Customers': e-mail ids, session minutes, membership in years, yearly spend."""
    rng = np.random.default_rng(19)
    frame = pd.DataFrame({
        "Email": [f"person{i}@example.com" for i in range(n)],
        "Avatar": rng.choice(["Violet", "DarkGreen", "Bisque", "SaddleBrown"], n),
        "Avg. Session Length": rng.normal(33, 1, n).round(4),
        "Time on App": rng.normal(12, 1, n).round(4),
        "Time on Website": rng.normal(37, 1, n).round(4),
        "Length of Membership": rng.uniform(0.3, 6.9, n).round(4),
        "Yearly Amount Spent": rng.normal(500, 80, n).round(2),
    })
    path = folder / "Ecommerce Customers.csv"
    frame.to_csv(path, index=False)
    return path, frame


def crm_bands(folder: Path, n: int = 300) -> tuple[Path, pd.DataFrame]:
    """A CRM export: ages and incomes as bands, a status column, Y/N and TRUE/FALSE flags."""
    rng = np.random.default_rng(20)
    frame = pd.DataFrame({
        "cust_id": range(1, n + 1),
        "status": rng.choice(["Active", "Inactive", "Suspended"], n),
        "is_vip": rng.choice(["Y", "N"], n),
        "newsletter": rng.choice(["TRUE", "FALSE"], n),
        "age_group": rng.choice(["18-24", "25-34", "35-44", "45-54", "55+"], n),
        "income_band": rng.choice(["Less than $40K", "$40K - $60K", "$60K - $80K",
                                   "$80K - $120K", "$120K +"], n),
        "orders_12m": rng.integers(0, 30, n),
        "nps": rng.integers(0, 11, n),
    })
    path = folder / "crm_export.csv"
    frame.to_csv(path, index=False)
    return path, frame


def subscription_churn(folder: Path, n: int = 400) -> tuple[Path, pd.DataFrame]:
    """A subscription churn table (Kaggle 'customer churn dataset' shape): support calls,
    payment delay in days, tenure in months, 0/1 Churn, plan and contract length."""
    rng = np.random.default_rng(21)
    frame = pd.DataFrame({
        "CustomerID": range(2, n + 2),
        "Age": rng.integers(18, 66, n),
        "Gender": rng.choice(["Female", "Male"], n),
        "Tenure": rng.integers(1, 61, n),
        "Usage Frequency": rng.integers(1, 31, n),
        "Support Calls": rng.integers(0, 11, n),
        "Payment Delay": rng.integers(0, 31, n),
        "Subscription Type": rng.choice(["Basic", "Standard", "Premium"], n),
        "Contract Length": rng.choice(["Monthly", "Quarterly", "Annual"], n),
        "Total Spend": rng.integers(100, 1001, n),
        "Last Interaction": rng.integers(1, 31, n),
        "Churn": rng.choice([0, 1], n),
    })
    path = folder / "customer_churn_dataset-training-master.csv"
    frame.to_csv(path, index=False)
    return path, frame
