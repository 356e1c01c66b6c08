using System.Globalization;
using System.Text;

namespace SharpSR.Training;

/// <summary>A minimal SVG line chart: one panel per series, shared x axis. No dependencies.</summary>
public static class SvgPlot
{
    public sealed record Series(string Title, string Color, IReadOnlyList<(double X, double Y)> Points);

    public static string Render(string title, string xLabel, IReadOnlyList<Series> panels, int width = 760, int panelHeight = 220)
    {
        var inv = CultureInfo.InvariantCulture;
        int left = 70, right = 20, top = 40, gap = 50;
        int height = top + panels.Count * (panelHeight + gap);
        var sb = new StringBuilder();
        sb.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append(inv, $"<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"{width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n");
        for (int i = 0; i < panels.Count; i++)
        {
            var s = panels[i];
            int y0 = top + i * (panelHeight + gap);
            int plotW = width - left - right;
            sb.Append(inv, $"<text x=\"{left}\" y=\"{y0 - 6}\" font-weight=\"bold\">{Escape(s.Title)}</text>\n");
            sb.Append(inv, $"<rect x=\"{left}\" y=\"{y0}\" width=\"{plotW}\" height=\"{panelHeight}\" fill=\"none\" stroke=\"#999\"/>\n");
            var pts = s.Points.Where(p => double.IsFinite(p.Y)).ToList();
            if (pts.Count == 0)
            {
                sb.Append(inv, $"<text x=\"{left + plotW / 2}\" y=\"{y0 + panelHeight / 2}\" text-anchor=\"middle\" fill=\"#999\">no data yet</text>\n");
                continue;
            }
            double xMin = pts.Min(p => p.X), xMax = pts.Max(p => p.X), yMin = pts.Min(p => p.Y), yMax = pts.Max(p => p.Y);
            if (xMax <= xMin) xMax = xMin + 1;
            if (yMax <= yMin) { yMax += 0.5; yMin -= 0.5; }
            double pad = (yMax - yMin) * 0.05;
            yMin -= pad; yMax += pad;
            double X(double x) => left + (x - xMin) / (xMax - xMin) * plotW;
            double Y(double y) => y0 + panelHeight - (y - yMin) / (yMax - yMin) * panelHeight;
            for (int t = 0; t <= 4; t++)
            {
                double yv = yMin + (yMax - yMin) * t / 4, xv = xMin + (xMax - xMin) * t / 4;
                sb.Append(inv, $"<line x1=\"{left}\" x2=\"{left + plotW}\" y1=\"{Y(yv):F1}\" y2=\"{Y(yv):F1}\" stroke=\"#eee\"/>");
                sb.Append(inv, $"<text x=\"{left - 6}\" y=\"{Y(yv) + 4:F1}\" text-anchor=\"end\">{yv.ToString("G4", inv)}</text>");
                sb.Append(inv, $"<text x=\"{X(xv):F1}\" y=\"{y0 + panelHeight + 16}\" text-anchor=\"middle\">{xv.ToString("G4", inv)}</text>\n");
            }
            sb.Append(inv, $"<polyline fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"1.5\" points=\"");
            foreach (var p in pts) sb.Append(inv, $"{X(p.X):F1},{Y(p.Y):F1} ");
            sb.Append("\"/>\n");
            sb.Append(inv, $"<text x=\"{left + plotW / 2}\" y=\"{y0 + panelHeight + 32}\" text-anchor=\"middle\" fill=\"#555\">{Escape(xLabel)}</text>\n");
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
