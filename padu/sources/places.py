"""Placing rows in villages: by code when the file has one, by names within the regency."""

import difflib
from collections import Counter
from dataclasses import dataclass

from padu.regions.codes import name_key, normalize_code
from padu.regions.models import Region


@dataclass(frozen=True)
class Placement:
    village: str | None
    note: str = ""  # why the name was matched loosely, or why it failed
    loose: bool = False


class VillageResolver:
    def __init__(self, regency: str | None = None):
        self.regency = regency
        self._villages: dict[str, list[tuple[str, str, str]]] | None = None

    @staticmethod
    def known_village_codes(candidates: set[str]) -> dict[str, str]:
        """Raw code cell -> dotted village code, for the cells that name a real village."""
        dotted = {raw: normalize_code(raw) for raw in candidates}
        wanted = {d for d in dotted.values() if d and d.count(".") == 3}
        real = set(Region.objects.filter(code__in=wanted).values_list("code", flat=True))
        return {raw: d for raw, d in dotted.items() if d in real}

    def infer_regency(self, regency_names: Counter, village_codes: Counter) -> str | None:
        """The file's regency: given, or the most common regency of its codes or names."""
        if self.regency:
            return self.regency
        if village_codes:
            return village_codes.most_common(1)[0][0][:5]
        for name, _ in regency_names.most_common(3):
            found = Region.objects.by_name(name, level=2).first()
            if found:
                return found.code
        return None

    def _index(self) -> dict[str, list[tuple[str, str, str]]]:
        """village name key -> [(village code, district code, district name key)]"""
        if self._villages is None:
            districts = dict(
                Region.objects.filter(code__within=self.regency, level=3).values_list(
                    "code", "name_key"
                )
            )
            index: dict[str, list[tuple[str, str, str]]] = {}
            for code, key in Region.objects.filter(code__within=self.regency, level=4).values_list(
                "code", "name_key"
            ):
                district = code.rsplit(".", 1)[0]
                index.setdefault(key, []).append((code, district, districts.get(district, "")))
            self._villages = index
        return self._villages

    def place_by_name(self, village: str | None, district: str | None) -> Placement:
        if not self.regency:
            return Placement(
                None, "kabupaten/kota file tidak diketahui: isi defaults.regency di pemetaan"
            )
        if not village:
            return Placement(None, "nama desa/kelurahan kosong")
        index = self._index()
        district_key = name_key(district) if district else ""
        key = name_key(village)
        candidates = index.get(key, [])
        loose = False
        if not candidates:
            close = difflib.get_close_matches(key, index.keys(), n=3, cutoff=0.85)
            candidates = [c for k in close for c in index[k]]
            loose = bool(candidates)
        if district_key:
            in_district = [c for c in candidates if c[2] == district_key]
            if not in_district:
                close = difflib.get_close_matches(
                    district_key, {c[2] for c in candidates}, n=1, cutoff=0.85
                )
                in_district = [c for c in candidates if close and c[2] == close[0]]
            candidates = in_district
        if len(candidates) == 1:
            code = candidates[0][0]
            note = (
                f"nama {village!r} dicocokkan ke {Region.objects.get(code=code).name}"
                if loose
                else ""
            )
            return Placement(code, note, loose)
        if not candidates:
            return Placement(None, f"desa/kelurahan {village!r} tidak ditemukan di {self.regency}")
        return Placement(None, f"nama {village!r} ada di beberapa kecamatan; isi kolom KECAMATAN")
