namespace SharpSR.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.WriteLine("usage: dotnet run -c Release --project bench/SharpSR.Benchmarks -- <benchmark>");
        return args.Length == 0 ? 0 : 2;
    }
}
