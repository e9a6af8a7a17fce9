import LedgerCore
import Testing

/// The log's Merkle tree against the RFC 6962 reference vectors (the inputs and roots of the Certificate Transparency
/// test suite), and proofs of every leaf and every pair of sizes of larger trees.
@Suite struct MerkleTreeTests {
    static let entries: [[UInt8]] = [
        [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
        [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57], Array(0x60...0x6f),
    ]
    /// MTH of the first n entries, n = 0...8.
    static let roots = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
    /// (leaf index, tree size, audit path).
    static let inclusionProofs: [(Int, Int, [String])] = [
        (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
        (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
        (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
        (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    ]
    /// (old size, new size, proof).
    static let consistencyProofs: [(Int, Int, [String])] = [
        (1, 1, []),
        (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
        (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
        (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    ]

    static var reference: InMemoryMerkleTree {
        var tree = InMemoryMerkleTree()
        for entry in entries { tree.append(entry: entry) }
        return tree
    }

    static func hash(_ hex: String) -> TreeHash {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return TreeHash(bytes)!
    }

    @Test func rootsMatchTheReferenceForEverySize() throws {
        let tree = Self.reference
        for size in 0...8 {
            #expect(try Merkle.root(size: size, in: tree).description == Self.roots[size], "size \(size)")
        }
        #expect(TreeHash.leaf([]).description == Self.roots[1])
    }

    @Test func inclusionProofsMatchTheReferenceAndVerify() throws {
        let tree = Self.reference
        for (index, size, expected) in Self.inclusionProofs {
            let proof = try Merkle.inclusionProof(index: index, size: size, in: tree)
            #expect(proof.map(\.description) == expected, "leaf \(index) of \(size)")
            let root = Self.hash(Self.roots[size])
            #expect(Merkle.verifyInclusion(leaf: tree.leaves[index], index: index, size: size, proof: proof, root: root))
            // Another leaf, another index, another size or another root: refused.
            #expect(!Merkle.verifyInclusion(leaf: .leaf([0xFF]), index: index, size: size, proof: proof, root: root))
            #expect(!Merkle.verifyInclusion(leaf: tree.leaves[index], index: index ^ 1, size: size, proof: proof, root: root))
            #expect(!Merkle.verifyInclusion(leaf: tree.leaves[index], index: index, size: size * 2, proof: proof, root: root))
            #expect(!Merkle.verifyInclusion(leaf: tree.leaves[index], index: index, size: size, proof: proof, root: .empty))
            #expect(!Merkle.verifyInclusion(leaf: tree.leaves[index], index: index, size: size, proof: proof + [.empty], root: root))
        }
        #expect(throws: MerkleError.indexOutOfRange(index: 8, size: 8)) { try Merkle.inclusionProof(index: 8, size: 8, in: tree) }
    }

    @Test func consistencyProofsMatchTheReferenceAndVerify() throws {
        let tree = Self.reference
        for (old, new, expected) in Self.consistencyProofs {
            let proof = try Merkle.consistencyProof(oldSize: old, newSize: new, in: tree)
            #expect(proof.map(\.description) == expected, "\(old) → \(new)")
            let oldRoot = Self.hash(Self.roots[old]), newRoot = Self.hash(Self.roots[new])
            #expect(Merkle.verifyConsistency(oldSize: old, newSize: new, oldRoot: oldRoot, newRoot: newRoot, proof: proof))
            if old < new {
                // A rewritten history: the old root no longer fits the new tree.
                #expect(!Merkle.verifyConsistency(oldSize: old, newSize: new, oldRoot: .leaf([0xFF]), newRoot: newRoot, proof: proof))
                #expect(!Merkle.verifyConsistency(oldSize: old, newSize: new, oldRoot: oldRoot, newRoot: .empty, proof: proof))
                #expect(!Merkle.verifyConsistency(oldSize: old, newSize: new, oldRoot: oldRoot, newRoot: newRoot, proof: Array(proof.dropLast())))
            }
        }
    }

    @Test func everyLeafAndEveryPairOfSizesOfLargerTreesProve() throws {
        var tree = InMemoryMerkleTree()
        for i in 0..<70 { tree.append(entry: [UInt8(i), UInt8(i * 7 % 256)]) }
        let roots = try (0...70).map { try Merkle.root(size: $0, in: tree) }
        for size in 1...70 {
            for index in 0..<size {
                let proof = try Merkle.inclusionProof(index: index, size: size, in: tree)
                #expect(Merkle.verifyInclusion(leaf: tree.leaves[index], index: index, size: size, proof: proof, root: roots[size]))
            }
            for old in 0...size {
                let proof = try Merkle.consistencyProof(oldSize: old, newSize: size, in: tree)
                #expect(Merkle.verifyConsistency(oldSize: old, newSize: size, oldRoot: roots[old], newRoot: roots[size], proof: proof),
                        "\(old) → \(size)")
            }
        }
        // A tree whose 13th entry changed shares no root with the original from size 13 on.
        var altered = tree
        altered = InMemoryMerkleTree(leaves: tree.leaves.enumerated().map { $0.offset == 12 ? .leaf([0xEE]) : $0.element })
        let proof = try Merkle.consistencyProof(oldSize: 20, newSize: 70, in: altered)
        #expect(!Merkle.verifyConsistency(oldSize: 20, newSize: 70, oldRoot: roots[20], newRoot: try Merkle.root(size: 70, in: altered), proof: proof))
        #expect(try Merkle.root(size: 12, in: altered) == roots[12])
    }
}
