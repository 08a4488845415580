using Procedures.Contracts;
using Procedures.ServiceDefaults;

namespace Procedures.Payment.Api;

/// <summary>Money handed over at the desk, either way (a fee taken, a fee paid back): how, how much, which officer, a transfer's reference.</summary>
public sealed record DeskMoney(string Method, string Officer, string? TransferReference);

/// <summary>The rules of a desk payment or desk refund, in one place: each field and the rule it broke.</summary>
public static class DeskMoneyRules
{
    /// <param name="officerField">The request member naming the officer (receivedBy for a payment, paidBy for a refund).</param>
    /// <param name="amountDueVnd">The whole amount due: a desk never takes or pays back part of a fee.</param>
    public static (List<FieldError> Errors, DeskMoney? Money) Validate(string? method, long? amountVnd, string? officer, string officerField,
        string? transferReference, long amountDueVnd)
    {
        var errors = new List<FieldError>();
        if (method is null || !DeskPaymentMethod.All.Contains(method))
            errors.Add(new("method", "one-of", "Hình thức phải là tiền mặt (cash) hoặc chuyển khoản (bank-transfer)",
                $"method is one of {string.Join(", ", DeskPaymentMethod.All)}"));
        if (amountVnd is null)
            errors.Add(new("amountVnd", "required", "Số tiền là bắt buộc", "amountVnd is required"));
        else if (amountDueVnd > 0 && amountVnd != amountDueVnd)
            errors.Add(new("amountVnd", "equals-fee-due", $"Số tiền phải bằng phí, lệ phí của hồ sơ ({amountDueVnd} VND)",
                $"amountVnd must be the dossier's whole fee ({amountDueVnd} VND)"));
        var cleanOfficer = TextInput.Clean(officer, officerField, errors);
        if (string.IsNullOrEmpty(cleanOfficer))
            errors.Add(new(officerField, "required", "Tên cán bộ nhận hoặc trả tiền là bắt buộc", $"{officerField} (the officer who handled the money) is required"));
        var transfer = TextInput.Clean(transferReference, "transferReference", errors);
        if (method == DeskPaymentMethod.BankTransfer && string.IsNullOrEmpty(transfer))
            errors.Add(new("transferReference", "required-for-bank-transfer", "Chuyển khoản cần mã giao dịch ngân hàng",
                "A bank transfer needs the bank's transfer reference"));
        if (cleanOfficer is { Length: > 200 } || transfer is { Length: > 100 })
            errors.Add(new(cleanOfficer is { Length: > 200 } ? officerField : "transferReference", "max-length", "Quá dài",
                $"{officerField} is at most 200 characters, transferReference 100"));
        return (errors, errors.Count == 0 ? new DeskMoney(method!, cleanOfficer!, transfer) : null);
    }
}
