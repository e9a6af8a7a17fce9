/// The serial number of a certificate (证明编号): 15 random Crockford base32 symbols (75 bits, not
/// guessable) and a Luhn mod 32 check symbol, printed as `7Q4M-X2KD-9PTE-R5H3`. Typed serials are
/// read leniently: case, hyphens and spaces do not matter, and O, I and L are read as 0, 1 and 1.
public struct CertificateSerial: Hashable, Sendable, CustomStringConvertible {
    /// The 16 symbols without separators, e.g. `7Q4MX2KD9PTER5H3`.
    public let value: String

    /// Crockford's base32 alphabet: digits and letters without I, L, O and U.
    static let alphabet: [Character] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    static let randomSymbols = 15

    /// Reads a serial as typed; nil when it has the wrong length, a symbol outside the alphabet or a wrong check symbol.
    public init?(_ text: String) {
        var symbols: [Int] = []
        for character in text.uppercased() {
            if character == "-" || character == " " { continue }
            guard let symbol = Self.symbol(of: character) else { return nil }
            symbols.append(symbol)
        }
        guard symbols.count == Self.randomSymbols + 1, Self.luhnSum(symbols, doubleFirst: false) % 32 == 0 else { return nil }
        value = String(symbols.map { Self.alphabet[$0] })
    }

    /// A new random serial.
    public static func random(_ source: RandomSource) -> CertificateSerial {
        var generator = source.generator
        let symbols = (0..<randomSymbols).map { _ in Int.random(in: 0..<32, using: &generator) }
        return CertificateSerial(symbols: symbols)
    }

    init(symbols: [Int]) {
        let check = (32 - Self.luhnSum(symbols, doubleFirst: true) % 32) % 32
        value = String((symbols + [check]).map { Self.alphabet[$0] })
    }

    /// Grouped by four for printing: `7Q4M-X2KD-9PTE-R5H3`.
    public var grouped: String {
        let characters = Array(value)
        return stride(from: 0, to: characters.count, by: 4)
            .map { String(characters[$0..<min($0 + 4, characters.count)]) }
            .joined(separator: "-")
    }

    public var description: String { grouped }

    /// The symbol value of a character, with Crockford's lenient decoding of look-alikes.
    static func symbol(of character: Character) -> Int? {
        switch character {
        case "O": return 0
        case "I", "L": return 1
        default: return alphabet.firstIndex(of: character)
        }
    }

    /// Luhn mod N over the symbols from the right; the rightmost is doubled when computing a check symbol.
    static func luhnSum(_ symbols: [Int], doubleFirst: Bool) -> Int {
        var sum = 0
        var double = doubleFirst
        for symbol in symbols.reversed() {
            var addend = double ? symbol * 2 : symbol
            addend = addend / 32 + addend % 32
            sum += addend
            double.toggle()
        }
        return sum
    }
}
