using System.Net.Mail;
using Procedures.Contracts.Identifiers;
using Procedures.ServiceDefaults;

namespace Procedures.Intake.Dossiers;

/// <summary>Chủ hồ sơ: a citizen (CCCD) or an enterprise (tax code), with contact details and the VNeID level-2 flag.</summary>
public sealed record Applicant(
    string? Kind, string? Name, string? CitizenId, string? TaxCode, string? Phone, string? Email, string? Address, bool? VneidLevel2)
{
    public const string Citizen = "citizen";
    public const string Enterprise = "enterprise";

    /// <summary>LoaiDoiTuong of the national portal: 1 citizen, 2 enterprise.</summary>
    public int PortalKind => Kind == Enterprise ? 2 : 1;

    /// <summary>The identifying number as the portal expects it (SoGiayToChuHoSo).</summary>
    public string IdNumber => (Kind == Enterprise ? TaxCode : CitizenId) ?? "";

    public static Applicant? Normalize(Applicant? a, string field, List<FieldError> errors, DateOnly today)
    {
        if (a is null)
        {
            errors.Add(new(field, "required", "Thông tin chủ hồ sơ là bắt buộc", "The applicant is required"));
            return null;
        }
        var clean = new Applicant(
            TextInput.Clean(a.Kind, $"{field}.kind", errors), TextInput.Clean(a.Name, $"{field}.name", errors),
            TextInput.Clean(a.CitizenId, $"{field}.citizenId", errors), TextInput.Clean(a.TaxCode, $"{field}.taxCode", errors),
            TextInput.Clean(a.Phone, $"{field}.phone", errors), TextInput.Clean(a.Email, $"{field}.email", errors),
            TextInput.Clean(a.Address, $"{field}.address", errors), a.VneidLevel2);
        if (errors.Any(e => e.Field.StartsWith(field + ".", StringComparison.Ordinal))) return null;

        if (clean.Kind is not (Citizen or Enterprise))
            errors.Add(new($"{field}.kind", "one-of", "Loại chủ hồ sơ phải là citizen hoặc enterprise", "The applicant kind must be citizen or enterprise"));
        if (string.IsNullOrEmpty(clean.Name))
            errors.Add(new($"{field}.name", "required", "Họ tên / tên doanh nghiệp là bắt buộc", "The applicant's name is required"));
        else if (clean.Name.Length > 200)
            errors.Add(new($"{field}.name", "max-length", "Tên tối đa 200 ký tự", "The name has at most 200 characters"));

        if (clean.Kind == Citizen)
        {
            switch (Procedures.Contracts.Identifiers.CitizenId.Check(clean.CitizenId, today, out _))
            {
                case Procedures.Contracts.Identifiers.CitizenId.Problem.Format:
                    errors.Add(new($"{field}.citizenId", "citizen-id-format", "Số CCCD phải gồm đúng 12 chữ số", "The citizen ID must be exactly 12 digits"));
                    break;
                case Procedures.Contracts.Identifiers.CitizenId.Problem.Province:
                    errors.Add(new($"{field}.citizenId", "citizen-id-province", "Mã tỉnh trong số CCCD không tồn tại", "The citizen ID's province code is unknown"));
                    break;
                case Procedures.Contracts.Identifiers.CitizenId.Problem.BirthYear:
                    errors.Add(new($"{field}.citizenId", "citizen-id-birth-year", "Năm sinh trong số CCCD ở tương lai", "The citizen ID's birth year is in the future"));
                    break;
            }
        }
        else if (clean.Kind == Enterprise)
        {
            switch (Procedures.Contracts.Identifiers.TaxCode.Check(clean.TaxCode, out _))
            {
                case Procedures.Contracts.Identifiers.TaxCode.Problem.Format:
                    errors.Add(new($"{field}.taxCode", "tax-code-format", "Mã số thuế gồm 10 chữ số (và -NNN cho chi nhánh)", "The tax code is 10 digits (plus -NNN for a branch)"));
                    break;
                case Procedures.Contracts.Identifiers.TaxCode.Problem.CheckDigit:
                    errors.Add(new($"{field}.taxCode", "tax-code-check-digit", "Chữ số kiểm tra của mã số thuế không đúng", "The tax code's check digit is wrong"));
                    break;
            }
        }
        if (clean.Phone is { Length: > 0 } && !PhoneNumber.IsValid(clean.Phone))
            errors.Add(new($"{field}.phone", "phone-format", "Số điện thoại (di động hoặc cố định) không hợp lệ", "The phone number (mobile or landline) is invalid"));
        if (clean.Email is { Length: > 0 } && !IsEmail(clean.Email))
            errors.Add(new($"{field}.email", "email-format", "Địa chỉ thư điện tử không hợp lệ", "The e-mail address is invalid"));
        if (clean.Address is { Length: > 500 })
            errors.Add(new($"{field}.address", "max-length", "Địa chỉ tối đa 500 ký tự", "The address has at most 500 characters"));
        return clean;
    }

    private static bool IsEmail(string text)
        => text.Length <= 254 && MailAddress.TryCreate(text, out var address) && address.Address == text && text.Contains('.', StringComparison.Ordinal);
}
