using System.Diagnostics;
using SharpSR.Fuzz;

// SharpSR.Fuzz fuzz TARGET            run under afl-fuzz (SharpFuzz's in-process loop, input on stdin)
// SharpSR.Fuzz replay TARGET PATH...  run files or folders once each: outcome, time, bytes allocated
// SharpSR.Fuzz seeds OUT REPO         write the seed corpora (OUT/<target>/) from SharpSR's encoders and REPO's fixtures
// SharpSR.Fuzz list                   the targets
try
{
    switch (args.Length > 0 ? args[0] : "")
    {
        case "fuzz" when args.Length == 2:
            var target = Targets.Find(args[1]);
            SharpFuzz.Fuzzer.Run(stream =>
            {
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                Harness.RunOne(target, buffer.ToArray());
            });
            return 0;
        case "replay" when args.Length >= 3:
            return Harness.Replay(Targets.Find(args[1]), args[2..]);
        case "seeds" when args.Length == 3:
            Seeds.Write(args[1], args[2]);
            return 0;
        case "list":
            foreach (var t in Targets.All) Console.WriteLine($"{t.Name,-14} {t.What}");
            return 0;
        default:
            Console.Error.WriteLine("usage: SharpSR.Fuzz fuzz TARGET | replay TARGET PATH... | seeds OUT REPO | list");
            return 2;
    }
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}

namespace SharpSR.Fuzz
{
    /// <summary>An input made a parser allocate more than its target allows.</summary>
    public sealed class AllocationLimitException(string message) : Exception(message);

    public static class Harness
    {
        /// <summary>
        /// Parses one input. A refusal the target documents is swallowed; any other exception, or an allocation
        /// over the target's budget, escapes and is reported to afl-fuzz as a crash.
        /// </summary>
        public static long RunOne(FuzzTarget target, byte[] input)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            try
            {
                target.Parse(input);
            }
            catch (Exception e) when (target.IsRefusal(e))
            {
            }
            long used = GC.GetTotalAllocatedBytes(precise: true) - before;
            long limit = target.AllocationLimit(input.Length);
            if (used > limit)
                throw new AllocationLimitException($"{used:N0} bytes allocated for a {input.Length:N0}-byte input (limit {limit:N0})");
            return used;
        }

        public static int Replay(FuzzTarget target, string[] paths)
        {
            var files = paths.SelectMany(p => Directory.Exists(p)
                ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories)   // AFL's own files live under .state/ and the like
                           .Where(f => !Path.GetRelativePath(p, f).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')) && !f.EndsWith("README.txt"))
                : [p]).Order().ToList();
            int crashes = 0, refused = 0;
            double maxMs = 0;
            long maxAlloc = 0;
            string slowest = "", hungriest = "";
            RunOne(target, []);   // static initialisation and JIT are not the inputs' cost
            foreach (var file in files)
            {
                byte[] input = File.ReadAllBytes(file);
                var sw = Stopwatch.StartNew();
                try
                {
                    long used = RunOne(target, input);
                    if (used > maxAlloc) (maxAlloc, hungriest) = (used, file);
                    if (!Accepts(target, input)) refused++;
                }
                catch (Exception e)
                {
                    crashes++;
                    Console.WriteLine($"CRASH {file}: {e.GetType().Name}: {e.Message}");
                    Console.WriteLine(e.StackTrace?.Split('\n').FirstOrDefault(l => l.Contains("SharpSR.") && !l.Contains("SharpSR.Fuzz"))?.Trim());
                }
                double ms = sw.Elapsed.TotalMilliseconds;
                if (ms > maxMs) (maxMs, slowest) = (ms, file);
            }
            Console.WriteLine($"{target.Name}: {files.Count} inputs, {crashes} crashes, {refused} refused (the target's documented errors), " +
                              $"slowest {maxMs:F1} ms ({Path.GetFileName(slowest)}), most allocated {maxAlloc:N0} bytes ({Path.GetFileName(hungriest)})");
            return crashes == 0 ? 0 : 1;
        }

        private static bool Accepts(FuzzTarget target, byte[] input)
        {
            try { target.Parse(input); return true; }
            catch { return false; }
        }
    }
}
