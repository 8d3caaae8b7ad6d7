"""Every word of the report in Vietnamese (default) and English. Numbers never live here."""
from __future__ import annotations

LANGUAGES = ("vi", "en")

LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "title": "Báo cáo kết quả thực hiện Chương trình hành động cải cách hành chính",
        "province": "Tỉnh Khánh Hòa",
        "period": "Kỳ báo cáo",
        "period_type.month": "Tháng", "period_type.quarter": "Quý", "period_type.half_year": "6 tháng",
        "period_type.year": "Năm",
        "partial": "Kỳ chưa kết thúc: số liệu tính đến {end}",
        "complete": "Số liệu đến hết {end}",
        "generated": "Lập lúc {at} từ kho dữ liệu {warehouse}",
        "headlines": "Số liệu chính (toàn tỉnh)",
        "received": "Hồ sơ tiếp nhận", "finished": "Hồ sơ đã giải quyết", "late_rate": "Tỷ lệ trễ hạn",
        "online_share": "Tỷ lệ nộp trực tuyến", "full_online_share": "Tỷ lệ trực tuyến toàn trình",
        "online_paid_share": "Tỷ lệ thanh toán trực tuyến", "satisfaction_rate": "Tỷ lệ hài lòng",
        "apology_coverage": "Hồ sơ trễ hạn có văn bản xin lỗi",
        "targets": "Tiến độ thực hiện các chỉ tiêu (T01-T15)",
        "target": "Chỉ tiêu", "metric": "Chỉ số đo", "actual": "Thực hiện", "goal": "Mục tiêu",
        "deadline": "Thời hạn", "status": "Đánh giá", "source": "Nguồn số liệu", "note": "Ghi chú",
        "status.met": "Đạt", "status.on track": "Đúng tiến độ", "status.off track": "Chậm tiến độ",
        "status.no data": "Chưa có dữ liệu",
        "charts": "Diễn biến",
        "chart.agency_late": "Tỷ lệ hồ sơ trễ hạn theo cơ quan ({period}), 20 cơ quan cao nhất",
        "chart.late_trend": "Tỷ lệ trễ hạn toàn tỉnh theo quý",
        "chart.online_trend": "Tỷ lệ hồ sơ trực tuyến theo quý",
        "chart.payment_trend": "Tỷ lệ thanh toán trực tuyến theo quý",
        "chart.satisfaction_trend": "Tỷ lệ hài lòng theo quý",
        "chart.index_766": "Bộ chỉ số phục vụ (QĐ 766), toàn tỉnh, {period}: điểm theo nhóm",
        "chart.ranks": "Thứ hạng của tỉnh trong các chỉ số đánh giá (thấp hơn là tốt hơn)",
        "chart.headcount": "Thay đổi so với năm gốc: đơn vị sự nghiệp công lập (so với 2021), biên chế công chức (so với 2022)",
        "public_service_units": "đơn vị sự nghiệp công lập", "civil_servants": "biên chế công chức",
        "threshold": "Ngưỡng", "points": "Điểm", "computable_max": "Điểm tối đa tính được", "max": "Điểm tối đa",
        "rank": "Thứ hạng", "edition": "Năm đánh giá", "top_threshold": "Ngưỡng T12 (nhóm dẫn đầu)",
        "index_766": "Bộ chỉ số phục vụ người dân, doanh nghiệp (QĐ 766), toàn tỉnh",
        "index_total": "Tổng điểm {points} / {computable} điểm tính được (trên {max} điểm)",
        "indicator": "Chỉ tiêu", "group": "Nhóm", "rate": "Tỷ lệ", "numerator": "Tử số",
        "denominator": "Mẫu số", "not_computable": "Không tính được: {reason}",
        "flagged_agencies": "Cơ quan không được xếp loại tốt (T01), {period}",
        "flagged_officials": "Cán bộ có tỷ lệ trễ hạn vượt ngưỡng (T02), năm {year}",
        "agency": "Cơ quan", "official": "Mã cán bộ (ẩn danh)", "handled": "Hồ sơ xử lý", "late": "Trễ hạn",
        "none": "Không có.", "more": "và {n} người khác (xem mart_official_performance).",
        "no_data.measured_per_year": "Đo theo năm",
        "no_data.source_not_in_warehouse": "Nguồn số liệu chưa có trong kho dữ liệu ({source})",
        "no_data.no_value_for_period": "Nguồn chưa có số liệu của kỳ này",
        "budget_gaps": "Cân đối ngân sách địa phương: dòng không bằng tổng các dòng chi tiết",
        "budget_gaps_note": "Số liệu như đã công khai; chênh lệch ngoài sai số làm tròn của biểu.",
        "fiscal_year": "Năm ngân sách", "budget_line": "Dòng", "budget_gap": "Chênh lệch (triệu đồng)",
        "documents": "Văn bản",
        "language_switch": "English",
    },
    "en": {
        "title": "Progress of the public administration reform action program",
        "province": "Khánh Hòa province",
        "period": "Reporting period",
        "period_type.month": "Month", "period_type.quarter": "Quarter", "period_type.half_year": "Half-year",
        "period_type.year": "Year",
        "partial": "Period still running: figures as of {end}",
        "complete": "Figures to the end of {end}",
        "generated": "Generated at {at} from the warehouse {warehouse}",
        "headlines": "Headline figures (whole province)",
        "received": "Dossiers received", "finished": "Dossiers finished", "late_rate": "Late rate",
        "online_share": "Online share", "full_online_share": "Full-online share",
        "online_paid_share": "Paid online", "satisfaction_rate": "Satisfaction rate",
        "apology_coverage": "Late dossiers with an apology",
        "targets": "Program targets (T01-T15)",
        "target": "Target", "metric": "Metric", "actual": "Actual", "goal": "Goal",
        "deadline": "Deadline", "status": "Status", "source": "Source", "note": "Note",
        "status.met": "Met", "status.on track": "On track", "status.off track": "Off track",
        "status.no data": "No data",
        "charts": "Trends",
        "chart.agency_late": "Late rate by agency ({period}), the 20 highest",
        "chart.late_trend": "Province late rate by quarter",
        "chart.online_trend": "Online dossiers by quarter",
        "chart.payment_trend": "Online payment by quarter",
        "chart.satisfaction_trend": "Satisfaction rate by quarter",
        "chart.index_766": "National service index (Decision 766), province, {period}: points by group",
        "chart.ranks": "The province's rank in the national indices (lower is better)",
        "chart.headcount": "Change against the baseline: public service units (vs 2021), civil servants (vs 2022)",
        "public_service_units": "public service units", "civil_servants": "civil servants",
        "threshold": "Threshold", "points": "Points", "computable_max": "Computable maximum", "max": "Maximum",
        "rank": "Rank", "edition": "Edition year", "top_threshold": "T12 threshold (top group)",
        "index_766": "National service index (Decision 766), whole province",
        "index_total": "Total {points} of {computable} computable points (out of {max})",
        "indicator": "Indicator", "group": "Group", "rate": "Rate", "numerator": "Numerator",
        "denominator": "Denominator", "not_computable": "Not computable: {reason}",
        "flagged_agencies": "Agencies that cannot be ranked good (T01), {period}",
        "flagged_officials": "Officials over the late-rate threshold (T02), {year}",
        "agency": "Agency", "official": "Official (pseudonymous key)", "handled": "Dossiers handled", "late": "Late",
        "none": "None.", "more": "and {n} more (see mart_official_performance).",
        "no_data.measured_per_year": "Measured per year",
        "no_data.source_not_in_warehouse": "Source not in the warehouse yet ({source})",
        "no_data.no_value_for_period": "The source has no value for this period",
        "budget_gaps": "Local budget balance: lines that are not the sum of their parts",
        "budget_gaps_note": "As published; the gap beyond the form's rounding.",
        "fiscal_year": "Fiscal year", "budget_line": "Line", "budget_gap": "Gap (million VND)",
        "documents": "Documents",
        "language_switch": "Tiếng Việt",
    },
}


def labels(lang: str) -> dict[str, str]:
    if lang not in LABELS:
        raise ValueError(f"language '{lang}' is not available: {', '.join(LANGUAGES)}")
    return LABELS[lang]


def fmt_number(value, lang: str, decimals: int = 0) -> str:
    if value is None:
        return "–"
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".") if lang == "vi" else text


def fmt_percent(value, lang: str, decimals: int = 1) -> str:
    return "–" if value is None else fmt_number(float(value) * 100, lang, decimals) + "%"
