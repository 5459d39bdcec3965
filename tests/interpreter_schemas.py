"""Synthetic schemas for interpreter tests: the shapes of real files, no data needed."""

from __future__ import annotations

from tools.engine.schema import ColumnInfo, DataKind, DType, Role, Schema


def col(name: str, role: Role, dtype: DType = DType.INTEGER, values: tuple[str, ...] = (),
        minimum: float | None = None, maximum: float | None = None) -> ColumnInfo:
    return ColumnInfo(name=name, role=role, dtype=dtype, values=values, n_unique=len(values),
                      minimum=minimum, maximum=maximum)


def retail_log() -> Schema:
    """A transaction log's customer features (Online Retail shape)."""
    return Schema(kind=DataKind.TRANSACTIONS, columns=(
        col("recency_days", Role.RECENCY, minimum=1, maximum=374),
        col("frequency", Role.FREQUENCY, minimum=1, maximum=210),
        col("monetary", Role.MONETARY, DType.NUMBER, minimum=3.75, maximum=280206),
        col("tenure_days", Role.TENURE, minimum=1, maximum=374),
        col("avg_order_value", Role.MEASURE, DType.NUMBER, minimum=3.45, maximum=84236),
        col("first_purchase", Role.DATE_ATTRIBUTE, DType.DATE),
        col("last_purchase", Role.DATE_ATTRIBUTE, DType.DATE),
        col("Country", Role.CATEGORY, DType.TEXT, values=(
            "United Kingdom", "Germany", "France", "Spain", "Belgium", "Switzerland",
            "Portugal", "Italy", "Finland", "Austria", "Norway", "Netherlands", "Australia",
            "Channel Islands", "Denmark", "Cyprus", "Sweden", "Japan", "Poland", "USA", "EIRE",
            "Israel", "Greece", "Canada", "Unspecified", "European Community", "RSA")),
    ))


def campaign_table() -> Schema:
    """A customer table (marketing_campaign shape)."""
    flags = tuple(col(n, Role.FLAG, values=("0", "1"), minimum=0, maximum=1) for n in (
        "AcceptedCmp3", "AcceptedCmp4", "AcceptedCmp5", "AcceptedCmp1", "AcceptedCmp2",
        "Complain"))
    measures = tuple(col(n, Role.MEASURE, minimum=0, maximum=1500) for n in (
        "MntWines", "MntFruits", "MntMeatProducts", "MntFishProducts", "MntSweetProducts",
        "MntGoldProds", "NumDealsPurchases", "NumWebPurchases", "NumCatalogPurchases",
        "NumStorePurchases", "NumWebVisitsMonth"))
    return Schema(kind=DataKind.CUSTOMERS, columns=(
        col("Year_Birth", Role.MEASURE, minimum=1893, maximum=1996),
        col("Education", Role.CATEGORY, DType.TEXT,
            values=("Graduation", "PhD", "Master", "2n Cycle", "Basic")),
        col("Marital_Status", Role.CATEGORY, DType.TEXT, values=(
            "Married", "Together", "Single", "Divorced", "Widow", "Alone", "Absurd", "YOLO")),
        col("Income", Role.MEASURE, minimum=1730, maximum=666666),
        col("Kidhome", Role.MEASURE, values=("0", "1", "2"), minimum=0, maximum=2),
        col("Teenhome", Role.MEASURE, values=("0", "1", "2"), minimum=0, maximum=2),
        col("Dt_Customer", Role.DATE_ATTRIBUTE, DType.DATE),
        col("Recency", Role.RECENCY, minimum=0, maximum=99),
        *measures, *flags,
        col("Z_CostContact", Role.CONSTANT, values=("3",), minimum=3, maximum=3),
        col("Z_Revenue", Role.CONSTANT, values=("11",), minimum=11, maximum=11),
        col("Response", Role.FLAG, values=("0", "1"), minimum=0, maximum=1),
    ))


def mall_table() -> Schema:
    return Schema(kind=DataKind.CUSTOMERS, columns=(
        col("Genre", Role.CATEGORY, DType.TEXT, values=("Female", "Male")),
        col("Age", Role.MEASURE, minimum=18, maximum=70),
        col("Annual Income (k$)", Role.MEASURE, minimum=15, maximum=137),
        col("Spending Score (1-100)", Role.MEASURE, minimum=1, maximum=99),
    ))


def telco_table() -> Schema:
    """A telecom churn table: 0/1 and Yes/No flags, tenure in months, contract values."""
    yes_no = ("No", "Yes")
    return Schema(kind=DataKind.CUSTOMERS, columns=(
        col("gender", Role.CATEGORY, DType.TEXT, values=("Male", "Female")),
        col("SeniorCitizen", Role.FLAG, values=("0", "1"), minimum=0, maximum=1),
        col("Partner", Role.FLAG, DType.TEXT, values=yes_no),
        col("Dependents", Role.FLAG, DType.TEXT, values=yes_no),
        col("tenure", Role.TENURE, minimum=0, maximum=72),
        col("PhoneService", Role.FLAG, DType.TEXT, values=("Yes", "No")),
        col("MultipleLines", Role.CATEGORY, DType.TEXT, values=("No", "Yes", "No phone service")),
        col("InternetService", Role.CATEGORY, DType.TEXT, values=("Fiber optic", "DSL", "No")),
        col("Contract", Role.CATEGORY, DType.TEXT,
            values=("Month-to-month", "Two year", "One year")),
        col("PaperlessBilling", Role.FLAG, DType.TEXT, values=yes_no),
        col("PaymentMethod", Role.CATEGORY, DType.TEXT, values=(
            "Electronic check", "Mailed check", "Bank transfer (automatic)",
            "Credit card (automatic)")),
        col("MonthlyCharges", Role.MEASURE, DType.NUMBER, minimum=18.25, maximum=118.75),
        col("TotalCharges", Role.MONETARY, DType.NUMBER, minimum=18.8, maximum=8684.8),
        col("Churn", Role.FLAG, DType.TEXT, values=yes_no),
    ))


def shop_log() -> Schema:
    """An e-commerce order log's customer features with a channel attribute."""
    return Schema(kind=DataKind.TRANSACTIONS, columns=(
        col("recency_days", Role.RECENCY, minimum=1, maximum=700),
        col("frequency", Role.FREQUENCY, minimum=1, maximum=90),
        col("monetary", Role.MONETARY, DType.NUMBER, minimum=5, maximum=90000),
        col("tenure_days", Role.TENURE, minimum=1, maximum=700),
        col("avg_order_value", Role.MEASURE, DType.NUMBER, minimum=5, maximum=3000),
        col("first_purchase", Role.DATE_ATTRIBUTE, DType.DATE),
        col("last_purchase", Role.DATE_ATTRIBUTE, DType.DATE),
        col("channel", Role.CATEGORY, DType.TEXT, values=("web", "app", "store")),
        col("city", Role.CATEGORY, DType.TEXT, values=("London", "Paris", "Berlin", "Madrid")),
    ))


def bank_table() -> Schema:
    """A bank's customer table with Brazilian state codes and an age column."""
    return Schema(kind=DataKind.CUSTOMERS, columns=(
        col("age", Role.MEASURE, minimum=18, maximum=95),
        col("region", Role.CATEGORY, DType.TEXT, values=("SP", "RJ", "MG", "RS", "BA", "PR")),
        col("balance", Role.MEASURE, DType.NUMBER, minimum=-8000, maximum=100000),
        col("NumOfProducts", Role.MEASURE, minimum=1, maximum=4),
        col("HasCrCard", Role.FLAG, values=("0", "1"), minimum=0, maximum=1),
        col("IsActiveMember", Role.FLAG, values=("0", "1"), minimum=0, maximum=1),
        col("EstimatedSalary", Role.MEASURE, DType.NUMBER, minimum=11, maximum=199992),
        col("Exited", Role.FLAG, values=("0", "1"), minimum=0, maximum=1),
        col("email", Role.PERSONAL, DType.TEXT),
    ))


def members_table() -> Schema:
    """A loyalty-programme customer table with spend and order totals under their own names."""
    return Schema(kind=DataKind.CUSTOMERS, columns=(
        col("Gender", Role.CATEGORY, DType.TEXT, values=("F", "M")),
        col("Age", Role.MEASURE, minimum=18, maximum=80),
        col("City", Role.CATEGORY, DType.TEXT, values=("New York", "Los Angeles", "Chicago",
                                                      "Houston", "Miami")),
        col("Membership Type", Role.CATEGORY, DType.TEXT, values=("Gold", "Silver", "Bronze")),
        col("Total Spend", Role.MONETARY, DType.NUMBER, minimum=10, maximum=5000),
        col("Items Purchased", Role.MEASURE, minimum=1, maximum=40),
        col("Number of Orders", Role.FREQUENCY, minimum=1, maximum=60),
        col("Average Rating", Role.MEASURE, DType.NUMBER, minimum=1, maximum=5),
        col("Discount Applied", Role.FLAG, DType.BOOL, values=("True", "False")),
        col("Days Since Last Purchase", Role.RECENCY, minimum=1, maximum=400),
        col("Signup Date", Role.DATE_ATTRIBUTE, DType.DATE),
        col("Satisfaction Level", Role.CATEGORY, DType.TEXT,
            values=("Satisfied", "Neutral", "Unsatisfied")),
    ))


def superstore_log() -> Schema:
    """A retail order log (Superstore shape): the customer's usual segment, region, category."""
    return Schema(kind=DataKind.TRANSACTIONS, columns=(
        col("recency_days", Role.RECENCY, minimum=1, maximum=1400),
        col("frequency", Role.FREQUENCY, minimum=1, maximum=17),
        col("monetary", Role.MONETARY, DType.NUMBER, minimum=4, maximum=25000),
        col("tenure_days", Role.TENURE, minimum=1, maximum=1460),
        col("avg_order_value", Role.MEASURE, DType.NUMBER, minimum=2, maximum=8000),
        col("first_purchase", Role.DATE_ATTRIBUTE, DType.DATE),
        col("last_purchase", Role.DATE_ATTRIBUTE, DType.DATE),
        col("Ship Mode", Role.CATEGORY, DType.TEXT,
            values=("Standard Class", "Second Class", "First Class", "Same Day")),
        col("Segment", Role.CATEGORY, DType.TEXT, values=("Consumer", "Corporate", "Home Office")),
        col("State", Role.CATEGORY, DType.TEXT, values=(
            "California", "New York", "Texas", "Pennsylvania", "Washington", "Illinois", "Ohio")),
        col("Region", Role.CATEGORY, DType.TEXT, values=("West", "East", "Central", "South")),
        col("Category", Role.CATEGORY, DType.TEXT,
            values=("Office Supplies", "Furniture", "Technology")),
    ))


def churn_modelling_table() -> Schema:
    """A bank churn table: Geography, Tenure in years, Exited."""
    return Schema(kind=DataKind.CUSTOMERS, columns=(
        col("CreditScore", Role.MEASURE, minimum=350, maximum=850),
        col("Geography", Role.CATEGORY, DType.TEXT, values=("France", "Germany", "Spain")),
        col("Gender", Role.CATEGORY, DType.TEXT, values=("Male", "Female")),
        col("Age", Role.MEASURE, minimum=18, maximum=92),
        col("Tenure", Role.TENURE, minimum=0, maximum=10),
        col("Balance", Role.MEASURE, DType.NUMBER, minimum=0, maximum=250898),
        col("NumOfProducts", Role.MEASURE, values=("1", "2", "3", "4"), minimum=1, maximum=4),
        col("HasCrCard", Role.FLAG, values=("1", "0"), minimum=0, maximum=1),
        col("IsActiveMember", Role.FLAG, values=("1", "0"), minimum=0, maximum=1),
        col("EstimatedSalary", Role.MEASURE, DType.NUMBER, minimum=11, maximum=199992),
        col("Exited", Role.FLAG, values=("0", "1"), minimum=0, maximum=1),
    ))


def survey_table() -> Schema:
    """A customer table whose headers are phrases with units in brackets."""
    return Schema(kind=DataKind.CUSTOMERS, columns=(
        col("Customer Age", Role.MEASURE, minimum=18, maximum=75),
        col("Annual Spend (USD)", Role.MONETARY, DType.NUMBER, minimum=0, maximum=20000),
        col("Purchase Frequency", Role.FREQUENCY, minimum=0, maximum=52),
        col("Last Purchase (days ago)", Role.RECENCY, minimum=0, maximum=365),
        col("Preferred Channel", Role.CATEGORY, DType.TEXT,
            values=("Online", "In-store", "Mobile")),
        col("Loyalty Member", Role.FLAG, DType.BOOL, values=("True", "False")),
        col("Region", Role.CATEGORY, DType.TEXT, values=("North", "South", "East", "West")),
        col("Household Income (k)", Role.MEASURE, minimum=10, maximum=300),
        col("Tenure (months)", Role.TENURE, minimum=0, maximum=120),
    ))


def janata_table() -> Schema:
    """A customer table with Yes/No text flags and word-valued scores (Low/Average/High)."""
    yes_no = ("Yes", "No")
    return Schema(kind=DataKind.CUSTOMERS, columns=(
        col("Gender", Role.CATEGORY, DType.TEXT, values=("Male", "Female")),
        col("Ever_Married", Role.FLAG, DType.TEXT, values=yes_no),
        col("Age", Role.MEASURE, minimum=18, maximum=89),
        col("Graduated", Role.FLAG, DType.TEXT, values=yes_no),
        col("Profession", Role.CATEGORY, DType.TEXT, values=(
            "Artist", "Healthcare", "Entertainment", "Engineer", "Doctor", "Lawyer",
            "Executive", "Marketing", "Homemaker")),
        col("Work_Experience", Role.MEASURE, DType.NUMBER, minimum=0, maximum=14),
        col("Spending_Score", Role.CATEGORY, DType.TEXT, values=("Low", "Average", "High")),
        col("Family_Size", Role.MEASURE, DType.NUMBER, minimum=1, maximum=9),
        col("Segmentation", Role.CATEGORY, DType.TEXT, values=("D", "A", "C", "B")),
    ))


def card_table() -> Schema:
    """A credit-card customer table (BankChurners shape)."""
    return Schema(kind=DataKind.CUSTOMERS, columns=(
        col("Attrition_Flag", Role.CATEGORY, DType.TEXT,
            values=("Existing Customer", "Attrited Customer")),
        col("Customer_Age", Role.MEASURE, minimum=26, maximum=73),
        col("Gender", Role.CATEGORY, DType.TEXT, values=("F", "M")),
        col("Dependent_count", Role.MEASURE, values=("3", "2", "1", "4", "0", "5"),
            minimum=0, maximum=5),
        col("Education_Level", Role.CATEGORY, DType.TEXT, values=(
            "Graduate", "High School", "Unknown", "Uneducated", "College", "Post-Graduate",
            "Doctorate")),
        col("Marital_Status", Role.CATEGORY, DType.TEXT,
            values=("Married", "Single", "Unknown", "Divorced")),
        col("Income_Category", Role.CATEGORY, DType.TEXT, values=(
            "Less than $40K", "$40K - $60K", "$80K - $120K", "$60K - $80K", "Unknown",
            "$120K +")),
        col("Card_Category", Role.CATEGORY, DType.TEXT,
            values=("Blue", "Silver", "Gold", "Platinum")),
        col("Months_on_book", Role.TENURE, minimum=13, maximum=56),
        col("Months_Inactive_12_mon", Role.MEASURE, minimum=0, maximum=6),
        col("Credit_Limit", Role.MEASURE, DType.NUMBER, minimum=1438, maximum=34516),
        col("Total_Trans_Amt", Role.MONETARY, DType.NUMBER, minimum=510, maximum=18484),
        col("Total_Trans_Ct", Role.FREQUENCY, minimum=10, maximum=139),
    ))
