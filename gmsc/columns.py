"""Column names of Kaggle's "Give Me Some Credit" files, in Kaggle's order."""

from __future__ import annotations

LABEL = "SeriousDlqin2yrs"

# Kaggle's order: every file this package writes keeps it, so students can
# reuse code written for the original competition files.
FEATURES: tuple[str, ...] = (
    "RevolvingUtilizationOfUnsecuredLines",
    "age",
    "NumberOfTime30-59DaysPastDueNotWorse",
    "DebtRatio",
    "MonthlyIncome",
    "NumberOfOpenCreditLinesAndLoans",
    "NumberOfTimes90DaysLate",
    "NumberRealEstateLoansOrLines",
    "NumberOfTime60-89DaysPastDueNotWorse",
    "NumberOfDependents",
)

# Kaggle's training file: label then features (its row number is an unnamed index).
TRAINING_COLUMNS: tuple[str, ...] = (LABEL, *FEATURES)

ID = "Id"
USAGE = "Usage"
PUBLIC = "Public"
PRIVATE = "Private"
PROBABILITY = "Probability"

# The Kaggle CSV writes missing values as "NA"; the files written here do the same.
MISSING_TEXT = "NA"
