"""Masking of residents' personal information for every reader but the reform office."""


def mask_name(name: str) -> str:
    """张三丰 → 张**; Li Ming → L*******."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; 87654321 → ****4321."""
    if not phone:
        return ""
    if len(phone) >= 11:  # a mobile number: the usual 138****5678
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    shown = min(4, len(phone) // 2)  # a landline shows at most its last four digits
    return "*" * (len(phone) - shown) + phone[-shown:]


def mask_email(email: str) -> str:
    """wang.fang@example.cn → w********@example.cn."""
    if "@" not in email:
        return mask_name(email)
    local, _at, domain = email.partition("@")
    return f"{local[:1]}{'*' * (len(local) - 1)}@{domain}"


def masked_contact(*, name: str, phone: str, email: str) -> dict[str, str]:
    """A resident's contact details as every reader but the reform office sees them: name, phone and email masked."""
    return {"name": mask_name(name), "phone": mask_phone(phone), "email": mask_email(email)}
