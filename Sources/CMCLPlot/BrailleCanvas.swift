/// A grid of terminal cells, each holding 2×4 braille dots, with the series that last drew
/// in each cell (for colour) and optional marker characters on top.
struct BrailleCanvas {
    let columns: Int
    let rows: Int
    private var dots: [UInt8]
    private var owner: [Int]
    private var markers: [Character?]

    init(columns: Int, rows: Int) {
        self.columns = max(1, columns)
        self.rows = max(1, rows)
        dots = [UInt8](repeating: 0, count: self.columns * self.rows)
        owner = [Int](repeating: -1, count: self.columns * self.rows)
        markers = [Character?](repeating: nil, count: self.columns * self.rows)
    }

    var dotWidth: Int { columns * 2 }
    var dotHeight: Int { rows * 4 }

    /// Sets the dot at (x, y), y counted from the top.
    mutating func set(_ x: Int, _ y: Int, series: Int) {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
        let bits: [[UInt8]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]
        let cell = (y / 4) * columns + x / 2
        dots[cell] |= bits[y % 4][x % 2]
        owner[cell] = series
    }

    /// A straight line of dots (Bresenham).
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, series: Int) {
        var x = x0, y = y0
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        var guardSteps = 0
        while guardSteps < 100_000 {
            set(x, y, series: series)
            if x == x1 && y == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
            guardSteps += 1
        }
    }

    mutating func mark(column: Int, row: Int, _ ch: Character, series: Int) {
        guard column >= 0, row >= 0, column < columns, row < rows else { return }
        markers[row * columns + column] = ch
        owner[row * columns + column] = series
    }

    /// Row `r` as text; `paint` wraps a cell's text for its series (colour), or returns it.
    func row(_ r: Int, paint: (String, Int) -> String) -> String {
        var out = ""
        for c in 0..<columns {
            let i = r * columns + c
            if let m = markers[i] { out += paint(String(m), owner[i]); continue }
            if dots[i] == 0 { out += " "; continue }
            let scalar = Unicode.Scalar(0x2800 + UInt32(dots[i])) ?? " "
            out += paint(String(Character(scalar)), owner[i])
        }
        return out
    }
}
