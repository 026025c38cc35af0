"""What the Simplified -> Traditional converter (OpenCC s2twp) gets wrong for our operators, and what a
person in Taiwan or Hong Kong writes instead. `scripts/i18n.py fill` applies it to every zh_Hant draft;
web/tests/test_catalog_meanings.py fails when a catalog still holds one of the converter's wordings."""

from __future__ import annotations

import re

# (converter wording as a regular expression, replacement)
FIXES: list[tuple[str, str]] = [
    (r"稽核", "審核"),  # an audit; review is 審核
    (r"審核透過", "審核通過"),
    (r"透過(全部|檢查|接單檢查|所有)", r"通過\1"),  # 透過 means "by way of"
    (r"未透過", "未通過"),
    (r"型別", "類型"),  # a programming language's type
    (r"程式碼", "代碼"),  # source code; an identifier is a 代碼
    (r"平臺", "平台"),
    (r"賬", "帳"),
    (r"郵編", "郵遞區號"),
    (r"郵箱", "電子郵件"),
    (r"引數", "參數"),  # a function's argument
    (r"發貨", "出貨"),
    (r"閾值", "門檻"),
    (r"當前", "目前"),
    (r"千克", "公斤"),
    (r"IP 地址", "IP 位址"),
    (r"後臺", "後台"),
    (r"許可權", "權限"),  # a licence
    (r"自定義", "自訂"),
    (r"校驗和", "檢查碼"),
    (r"校驗", "驗證"),
    (r"對映", "對應"),
    (r"令牌", "權杖"),
]


def fix(text: str) -> str:
    for pattern, replacement in FIXES:
        text = re.sub(pattern, replacement, text)
    return text


def artefacts(text: str) -> list[str]:
    """The converter wordings left in `text`."""
    return [pattern for pattern, _replacement in FIXES if re.search(pattern, text)]
