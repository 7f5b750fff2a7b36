namespace KrustPm.Host.Hosting;

/// <summary>krust-pm refuses to start for a reason the user can fix; the message says which, in one line.</summary>
/// <param name="message">What is wrong, for the user.</param>
internal sealed class StartRefusedException(string message) : Exception(message);
