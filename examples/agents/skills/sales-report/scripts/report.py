"""Revenue per region and month from the sales CSV, as a Markdown table, with each region's manager."""
import csv
import sys
from collections import defaultdict


def main(sales_path: str, regions_path: str) -> None:
    with open(regions_path, newline="") as f:
        manager_of = {row["region"]: row["manager"] for row in csv.DictReader(f)}
    revenue: dict[tuple[str, str], int] = defaultdict(int)
    with open(sales_path, newline="") as f:
        for row in csv.DictReader(f):
            revenue[(row["region"], row["month"])] += int(row["revenue_eur"])
    months = sorted({month for _, month in revenue})
    regions = sorted({region for region, _ in revenue})
    print("| region | manager | " + " | ".join(months) + " |")
    print("|---" * (len(months) + 2) + "|")
    for region in regions:
        cells = [str(revenue[(region, month)]) for month in months]
        print(f"| {region} | {manager_of.get(region, '?')} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
