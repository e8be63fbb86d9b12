package dev.cairn.persistence.testproviders;

/** A second test-only provider claiming scheme {@code alpha}. */
public class SecondAlphaProvider extends AlphaProvider {
}
