"""Which passwords staff may choose: none that a guesser tries early.

zxcvbn (a maintained password-strength estimator with its own frequency lists of common passwords, words, names,
keyboard runs, repeats and dates) scores a password from 0 to 4 by how many guesses it would take; below 2 (under
about a million guesses: ``12345678``, ``password``, ``qwer1234``, eight spaces) is refused. It is also told the
person's own username and name, and the words of this system and of Chinese passwords its lists lack, so that
``baolong2026`` or ``woaini1314`` counts as the guess it is.
"""
from __future__ import annotations

from zxcvbn import zxcvbn

MIN_LENGTH = 8
MAX_LENGTH = 256
MIN_SCORE = 2
# Checked as words a guesser tries first: this system's names, and romanised Chinese that zxcvbn's lists lack.
CONTEXT = ("mashangban", "baolong", "admin", "dispatcher", "field", "woaini", "5201314", "1314520", "zhongguo",
           "mima", "wodemima", "aini")


def password_problem(password: str, username: str = "", display_name: str = "") -> str | None:
    """Why ``password`` may not be used, in Chinese; None when it may."""
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 个字符"
    if len(password) > MAX_LENGTH:
        return f"密码不能超过 {MAX_LENGTH} 个字符"
    if not password.strip():
        return "密码不能全是空格"
    # The estimate's cost grows with length; past 64 characters a password is long enough to judge by its start.
    result = zxcvbn(password[:64], user_inputs=[username, display_name, *CONTEXT])
    if result["score"] < MIN_SCORE:
        return "密码太容易被猜到（常见密码、键盘顺序、重复字符、日期或含用户名），请换一个更长、更少见的密码"
    return None
