fn main() {
    workbook_trace::init_terminal();
    chapter_03::run_scenario();
}
