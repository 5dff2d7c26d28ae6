// The codec fuzz binary's target table.
let fuzzTargets = codecFuzzTargets
let fuzzSeeds = codecSeeds
