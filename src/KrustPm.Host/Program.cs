Console.WriteLine("hi"); /// <summary>Entry point.</summary>
public partial class Program;
