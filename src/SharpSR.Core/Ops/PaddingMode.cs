namespace SharpSR.Core;

/// <summary>Border handling of fixed filters.</summary>
public enum PaddingMode { Zeros, Replicate, Reflect }
