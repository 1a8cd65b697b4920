fn main() {
    workbook_trace::init_terminal();
    chapter_08::run_scenario();
}
