// `openset`: one binary, one sub-command per job (like git or openssl). Parsing only; the work
// is in commands/.
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "openset/app/commands.hpp"

int main(int argc, char** argv) {
  using namespace openset::app;

  CLI::App app{
      "OpenSET: Secure Electronic Transaction 1.0 (Visa/MasterCard, 1997).\n"
      "Run 'openset <command> --help' for the options of a command."};
  app.name("openset");
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("openset 0.1.0"));

  DecodeOptions dec;
  CLI::App* decode = app.add_subcommand(
      "decode",
      "Print a DER file (a SET message, PKCS#7 blob, certificate, ...) as an indented tree,\n"
      "naming SET types and fields where it recognises them. Reads standard input when no\n"
      "FILE is given. Exit status 1 on malformed input, with the byte offset of the fault.");
  decode->add_option("FILE", dec.file, "DER file to decode ('-' or none: standard input)");
  decode->add_flag("--json", dec.json, "Print JSON instead of the text tree");
  decode->add_flag("--full", dec.full, "Print long OCTET STRINGs in full");
  decode->add_flag("--best-effort", dec.best_effort,
                   "On malformed input, print what parsed before the error");
  decode->add_option("--type", dec.type,
                     "Decode the input as this SET/PKCS#7 type (e.g. PIData, SignedData)");
  decode->add_flag("--pem", dec.pem, "Input is PEM or base64 (auto-detected for PEM)");

  DemoOptions demo;
  CLI::App* demo_cmd = app.add_subcommand(
      "demo",
      "The end-to-end showcase: a cardholder dual-signs an order and a payment instruction,\n"
      "the merchant checks its half without seeing the card number, the gateway opens the\n"
      "payment half. Every message is saved under --out for 'openset decode' and openssl.");
  demo_cmd->add_option("--out", demo.out_dir, "Directory for the saved messages")
      ->capture_default_str();
  demo_cmd->add_option("--suite", demo.suites, "Suite(s) to run: modern, set1 (default: both)")
      ->check(CLI::IsMember({"modern", "set1"}));
  demo_cmd->add_flag("-v,--verbose", demo.verbose, "Also print each message's decoded tree");

  CLI::App* suites =
      app.add_subcommand("suites", "List the cryptographic suites and their algorithms");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }

  if (*decode) return run_decode(dec, std::cout, std::cerr);
  if (*demo_cmd) return run_demo(demo, std::cout, std::cerr);
  if (*suites) return run_suites(std::cout);
  return kExitUsage;
}
