package dev.cairn.persistence.cli;

import java.io.PrintWriter;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The top-level {@code cairn} command. Build a ready {@link CommandLine} with
 * {@link #commandLine(CliEnvironment)} or run one with
 * {@link #execute(CliEnvironment, PrintWriter, PrintWriter, String...)}.
 */
@Command(name = "cairn",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Inspect the sessions of a Cairn store: list, replay, draw, measure, export, import, verify.",
            "Every command takes --store LOCATION; the default is $CAIRN_STORE, else",
            "  " + CliEnvironment.DEFAULT_STORE},
        subcommands = {SessionsCommand.class, ReplayCommand.class, TreeCommand.class, StatsCommand.class,
            ExportCommand.class, ImportCommand.class, VerifyCommand.class, GcCommand.class, VacuumCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"%nRun 'cairn COMMAND --help' for the options of a command."})
public final class CairnCommand implements Runnable {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    /**
     * @param environment the variables, terminal and clock the commands use
     */
    public CairnCommand(CliEnvironment environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    /** @return the environment the commands use */
    CliEnvironment environment() {
        return environment;
    }

    /** Without a command: a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing command: give one of sessions, replay, tree, stats, export, import, verify, gc, vacuum");
    }

    /**
     * Builds the command line: exit codes, one-line errors, ANSI only on a terminal.
     *
     * @param environment the environment
     * @return the command line; set its out and err writers before executing
     */
    public static CommandLine commandLine(CliEnvironment environment) {
        CommandLine cl = new CommandLine(new CairnCommand(environment));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setColorScheme(Help.defaultColorScheme(environment.colorByDefault() ? Help.Ansi.ON : Help.Ansi.OFF));
        cl.setParameterExceptionHandler(Errors::handleParameterException);
        cl.setExecutionExceptionHandler(Errors::handleExecutionException);
        addExitCodes(cl);
        return cl;
    }

    private static void addExitCodes(CommandLine cl) {
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCode.HELP_LIST);
        cl.getSubcommands().values().forEach(CairnCommand::addExitCodes);
    }

    /**
     * Runs {@code cairn} with arguments.
     *
     * @param environment the environment
     * @param out standard output
     * @param err standard error
     * @param args the arguments
     * @return the exit code ({@link ExitCode})
     */
    public static int execute(CliEnvironment environment, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine(environment);
        cl.setOut(out);
        cl.setErr(err);
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }
}
