package dev.cairn.persistence.cli;

import picocli.CommandLine.IVersionProvider;

/** Prints the version from the jar manifest ({@code dev} when run from classes). */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = CairnCommand.class.getPackage().getImplementationVersion();
        return new String[] {"cairn " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
    }
}
