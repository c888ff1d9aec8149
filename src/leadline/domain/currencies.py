"""The currency codes Leadline accepts: ISO 4217's list of current codes, pinned here so the domain
stays standard-library only (docs/adr/0018-iso-4217-currencies-pinned-in-the-domain.md).

Source: ISO 4217 list one (current currency and funds), as published by SIX on 2026-01-01 and
carried by the iso-codes data that pycountry 26.2.16 ships. ``tests/unit/test_domain_money.py``
compares this table with the installed pycountry, so a new code or a withdrawn one shows up as a
failing test, not as a guess. ``XTS`` (reserved for testing) and ``XXX`` (no currency) are left
out: an amount always has a real currency.
"""

from __future__ import annotations

#: Current ISO 4217 alphabetic codes (funds and precious metals included), as of 2026-01-01.
ISO_4217_CODES = frozenset("""
AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD
CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL
GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD
NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP
SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS
VED VES VND VUV WST XAD XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XUA YER ZAR ZMW
ZWG
""".split())
#: Codes of ISO 4217 deliberately refused (see the module's docstring).
LEFT_OUT = frozenset({"XTS", "XXX"})


def is_iso_currency(code: str) -> bool:
    """True for a current ISO 4217 code written in capitals (``"EUR"``); False for ``"ZZZ"``, a
    withdrawn code such as ``"HRK"``, or ``"XXX"``."""
    return code in ISO_4217_CODES
